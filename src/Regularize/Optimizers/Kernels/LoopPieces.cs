namespace Regularize.Optimizers.Kernels;

/// <summary>The scalars of the pieces the shared loop wraps around every rule, computed once per step in double and rounded once.</summary>
internal struct LoopPieces
{
    /// <summary>+1, or −1 when maximizing.</summary>
    public float GradSign;
    /// <summary>Coupled L2 coefficient λ (0 unless the placement is coupled).</summary>
    public float Lambda;
    /// <summary>Decoupled shrink factor 1 − lr·λ or 1 − ηₜ·λ (1 unless the placement is decoupled).</summary>
    public float DecayFactor;
    /// <summary>λ₁ for the subgradient form.</summary>
    public float L1;
    /// <summary>lr·λ₁ for the proximal form.</summary>
    public float L1Threshold;
}
