using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// Adafactor on matrices (factored, no momentum): the plan reads g (row and column sums, one thread), the reduce
/// pass reads θ, g, the update pass reads θ, g and writes θ: 6 × 4 bytes per element (the factors are rows + columns).
/// </summary>
public class AdafactorStepBenchmarks : PaperOptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override int BytesPerElement => 24;

    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new Adafactor(parameters, weightDecay: 1e-2);
}
