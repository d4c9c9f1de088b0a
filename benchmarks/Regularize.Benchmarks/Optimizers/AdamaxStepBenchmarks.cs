namespace Regularize.Benchmarks.Optimizers;

/// <summary>Adamax with coupled L2: reads θ, g, m, u; writes θ, m, u (28 B per element).</summary>
public class AdamaxStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Adamax";
}
