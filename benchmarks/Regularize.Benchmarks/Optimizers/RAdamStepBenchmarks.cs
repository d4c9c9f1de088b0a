namespace Regularize.Benchmarks.Optimizers;

/// <summary>RAdam with coupled L2 (β₂ = 0.9, rectified after the warm-up steps): reads θ, g, m, v; writes θ, m, v.</summary>
public class RAdamStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "RAdam";
}
