using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>Schedule-Free AdamW: one pass reading θ, g, z, v and writing θ, z, v: 7 × 4 bytes per element (as AdamW).</summary>
public class ScheduleFreeAdamWStepBenchmarks : PaperOptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override int BytesPerElement => 28;

    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new ScheduleFreeAdamW(parameters, weightDecay: 1e-2);
}
