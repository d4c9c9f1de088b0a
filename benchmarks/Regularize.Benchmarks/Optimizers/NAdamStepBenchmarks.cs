using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>NAdam: reads θ, g, m, v; writes θ, m, v (28 B per element).</summary>
public class NAdamStepBenchmarks : TorchFamilyStepBenchmarks
{
    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new NAdam(parameters, weightDecay: 1e-4);

    /// <inheritdoc/>
    protected override int BytesPerElement => 28;
}
