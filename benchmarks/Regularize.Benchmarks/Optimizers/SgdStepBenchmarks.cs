namespace Regularize.Benchmarks.Optimizers;

/// <summary>SGD with momentum 0.9: reads θ, g, b; writes θ, b.</summary>
public class SgdStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Sgd";
}
