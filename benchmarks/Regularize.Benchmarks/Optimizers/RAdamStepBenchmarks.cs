using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>RAdam: reads θ, g, m, v; writes θ, m, v (28 B per element), past the ρₜ &gt; 5 switch after setup.</summary>
public class RAdamStepBenchmarks : TorchFamilyStepBenchmarks
{
    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new RAdam(parameters, beta2: 0.9, weightDecay: 1e-4);

    /// <inheritdoc/>
    protected override int BytesPerElement => 28;
}
