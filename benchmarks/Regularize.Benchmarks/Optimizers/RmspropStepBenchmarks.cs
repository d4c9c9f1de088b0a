namespace Regularize.Benchmarks.Optimizers;

/// <summary>Rmsprop with coupled L2: reads θ, g, v; writes θ, v (20 B per element).</summary>
public class RmspropStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Rmsprop";
}
