using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>Asgd: averaging (t₀ = 0): reads θ, g, ax; writes θ, ax (20 B per element).</summary>
public class AsgdStepBenchmarks : TorchFamilyStepBenchmarks
{
    /// <inheritdoc/>
    protected override Optimizer Create(Parameter[] parameters) => new Asgd(parameters, t0: 0, weightDecay: 1e-4);

    /// <inheritdoc/>
    protected override int BytesPerElement => 20;
}
