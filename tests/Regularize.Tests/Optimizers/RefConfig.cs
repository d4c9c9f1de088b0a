using Regularize.Regularization;

namespace Regularize.Tests.Optimizers;

/// <summary>The settings of one parameter group for <see cref="ReferenceOptimizers"/>.</summary>
public sealed record RefConfig
{
    public string Optimizer { get; init; } = "Sgd"; // Sgd, SgdW, Adam, AdamW
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public bool Nesterov { get; init; }
    public double WeightDecay { get; init; }
    public bool Maximize { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public bool AmsGrad { get; init; }
    public double L1 { get; init; }
    public L1Mode L1Mode { get; init; } = L1Mode.Proximal;
    /// <summary>For the decoupled optimizers: what λ is multiplied by (lr, or ηₜ under the paper's scaling). Null means lr.</summary>
    public double? DecayRate { get; init; }
}
