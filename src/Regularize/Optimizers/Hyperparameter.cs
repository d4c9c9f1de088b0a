namespace Regularize.Optimizers;

/// <summary>The numeric hyperparameters of a <see cref="ParameterGroup"/> that a schedule can drive.</summary>
public enum Hyperparameter
{
    /// <summary>The learning rate γ (lr).</summary>
    LearningRate,

    /// <summary>The weight-decay coefficient λ; coupled or decoupled depending on the optimizer.</summary>
    WeightDecay,

    /// <summary>SGD's momentum μ.</summary>
    Momentum,

    /// <summary>Adam's first-moment decay β₁ (the "momentum" one-cycle cycles for Adam-family optimizers).</summary>
    Beta1,

    /// <summary>Adam's second-moment decay β₂.</summary>
    Beta2,

    /// <summary>Adam's ε, added to the bias-corrected square root of the second moment.</summary>
    Epsilon,

    /// <summary>SGD's dampening τ: the momentum buffer takes (1 − τ) of each new gradient.</summary>
    Dampening,

    /// <summary>The L1 coefficient λ₁ (how it enters is the group's <see cref="ParameterGroup.L1Mode"/>).</summary>
    L1,
}
