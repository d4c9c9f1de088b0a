namespace Regularize.Optimizers.Kernels;

/// <summary>
/// The per-step scalars of one Adam/AdamW update, computed once per step in double (as PyTorch 1.13's
/// <c>_single_tensor_adam</c> does in Python floats) and rounded to float once.
/// </summary>
internal struct AdamScalars
{
    /// <summary>+1, or −1 when maximizing.</summary>
    public float GradSign;
    /// <summary>Coupled L2 coefficient λ (Adam).</summary>
    public float WeightDecay;
    /// <summary>Decoupled shrink factor 1 − lr·λ (or 1 − ηₜ·λ) (AdamW).</summary>
    public float DecayFactor;
    public float Beta1;
    /// <summary>1 − β₁, computed in double.</summary>
    public float OneMinusBeta1;
    public float Beta2;
    /// <summary>1 − β₂, computed in double.</summary>
    public float OneMinusBeta2;
    /// <summary>√(1 − β₂ᵗ), computed in double.</summary>
    public float Bc2Sqrt;
    public float Epsilon;
    /// <summary>−lr / (1 − β₁ᵗ), computed in double.</summary>
    public float NegStepSize;
    /// <summary>λ₁ for the subgradient form.</summary>
    public float L1;
    /// <summary>lr·λ₁ for the proximal form.</summary>
    public float L1Threshold;
}
