namespace Regularize.Benchmarks.Optimizers;

/// <summary>LARS (trust ratio from a reduce pass, decay inside the rule).</summary>
public class LarsStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Lars";
}
