namespace Regularize.Regularization;

/// <summary>
/// What a decoupled weight decay λ is multiplied by at each step (used by every optimizer whose
/// <see cref="DecayPlacement"/> is <see cref="DecayPlacement.Decoupled"/>: AdamW, SgdW, …).
/// </summary>
public enum DecayScaling
{
    /// <summary>
    /// PyTorch's convention and the default: θ ← θ·(1 − lr·λ). Changing the learning rate also changes
    /// the decay, so a tuned λ only carries over at the same lr.
    /// </summary>
    LearningRate,

    /// <summary>
    /// The paper's convention (Loshchilov &amp; Hutter): θ ← θ − ηₜ·λ·θ, where ηₜ is the schedule multiplier,
    /// lr / initial lr of the group, or the group's explicit <c>ScheduleMultiplier</c>.
    /// λ is then independent of the base learning rate; typical values are about lr times PyTorch's.
    /// </summary>
    ScheduleMultiplier,
}
