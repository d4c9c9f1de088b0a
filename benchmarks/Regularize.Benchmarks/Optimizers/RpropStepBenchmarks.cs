namespace Regularize.Benchmarks.Optimizers;

/// <summary>Rprop: reads θ, g, prev, stepSize; writes θ, prev, stepSize.</summary>
public class RpropStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Rprop";
}
