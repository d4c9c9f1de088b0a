namespace Regularize.Benchmarks.Optimizers;

/// <summary>Adagrad with coupled L2: reads θ, g, s; writes θ, s (20 B per element).</summary>
public class AdagradStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Adagrad";
}
