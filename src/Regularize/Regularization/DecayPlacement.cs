namespace Regularize.Regularization;

/// <summary>
/// Where an optimizer's weight decay λ enters its update. The shared optimizer loop applies the piece
/// around the optimizer's rule, so the placement is what makes decay coupled or decoupled.
/// </summary>
public enum DecayPlacement
{
    /// <summary>
    /// Coupled L2: g ← g + λ·θ before the rule, so the rule's moments see λθ (Sgd, Adam); one fused multiply-add,
    /// fma(λ, θ, g), rounded once, as PyTorch forms it.
    /// </summary>
    Coupled,

    /// <summary>
    /// Decoupled: θ ← θ·(1 − lr·λ) (or 1 − ηₜ·λ, see <see cref="DecayScaling"/>) outside the rule, before its
    /// update; the gradient and the moments never see λ (SgdW, AdamW).
    /// </summary>
    Decoupled,

    /// <summary>The rule applies λ itself, where its paper puts it (LAMB's update, for example); the loop adds nothing.</summary>
    InRule,
}
