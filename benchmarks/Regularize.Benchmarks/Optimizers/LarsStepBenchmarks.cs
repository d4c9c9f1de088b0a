using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>LARS: the reduce pass reads θ, g; the update pass reads θ, g, b and writes θ, b: 7 × 4 bytes per element.</summary>
public class LarsStepBenchmarks : PaperOptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override int BytesPerElement => 28;

    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new Lars(parameters, learningRate: 0.1, weightDecay: 1e-4);
}
