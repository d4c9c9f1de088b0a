namespace Regularize.Benchmarks.Optimizers;

/// <summary>NAdam with coupled L2: reads θ, g, m, v; writes θ, m, v (28 B per element).</summary>
public class NAdamStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "NAdam";
}
