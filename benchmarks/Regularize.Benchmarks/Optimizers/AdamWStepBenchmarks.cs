namespace Regularize.Benchmarks.Optimizers;

/// <summary>AdamW with decoupled decay: reads θ, g, m, v; writes θ, m, v.</summary>
public class AdamWStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "AdamW";
}
