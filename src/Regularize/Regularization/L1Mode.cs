namespace Regularize.Regularization;

/// <summary>How an L1 coefficient λ₁ enters an optimizer step.</summary>
public enum L1Mode
{
    /// <summary>
    /// Proximal (soft-thresholding) step after the update: θ ← sign(θ)·max(|θ| − lr·λ₁, 0).
    /// Weights whose magnitude falls below lr·λ₁ become exact zeros. The default.
    /// </summary>
    Proximal,

    /// <summary>
    /// Coupled subgradient: g ← g + λ₁·sign(θ) before the moments see the gradient (sign(0) = 0).
    /// Weights oscillate around zero instead of reaching it.
    /// </summary>
    Subgradient,
}
