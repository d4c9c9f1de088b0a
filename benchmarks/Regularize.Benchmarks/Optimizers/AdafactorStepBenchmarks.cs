namespace Regularize.Benchmarks.Optimizers;

/// <summary>Adafactor with factored second moments (row/column sums in the plan, then a reduce pass and the update).</summary>
public class AdafactorStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Adafactor";
}
