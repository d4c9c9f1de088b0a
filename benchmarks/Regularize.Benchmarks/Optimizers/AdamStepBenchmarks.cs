namespace Regularize.Benchmarks.Optimizers;

/// <summary>Adam with coupled L2: reads θ, g, m, v; writes θ, m, v.</summary>
public class AdamStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Adam";
}
