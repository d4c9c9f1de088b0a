namespace Regularize.Benchmarks.Optimizers;

/// <summary>Adadelta with coupled L2: reads θ, g, v, u; writes θ, v, u (28 B per element).</summary>
public class AdadeltaStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Adadelta";
}
