using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>Rprop: reads θ, g, prev, stepSize; writes θ, prev, stepSize (28 B per element).</summary>
public class RpropStepBenchmarks : TorchFamilyStepBenchmarks
{
    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new Rprop(parameters);

    /// <inheritdoc/>
    protected override int BytesPerElement => 28;
}
