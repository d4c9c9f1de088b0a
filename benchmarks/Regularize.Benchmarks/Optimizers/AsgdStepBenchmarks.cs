namespace Regularize.Benchmarks.Optimizers;

/// <summary>ASGD while averaging (t₀ = 0): reads θ, g, ax; writes θ, ax.</summary>
public class AsgdStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Asgd";
}
