namespace Regularize.Benchmarks.Optimizers;

/// <summary>Schedule-free AdamW: reads y, g, z, v; writes y, z, v.</summary>
public class ScheduleFreeAdamWStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "ScheduleFreeAdamW";
}
