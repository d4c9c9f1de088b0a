namespace Regularize.Optimizers.Kernels;

/// <summary>The per-step scalars of one SGD/SgdW update, computed once per step in double and rounded to float once.</summary>
internal struct SgdScalars
{
    /// <summary>+1, or −1 when maximizing.</summary>
    public float GradSign;
    /// <summary>Coupled L2 coefficient λ (Sgd).</summary>
    public float WeightDecay;
    /// <summary>Decoupled shrink factor 1 − lr·λ (or 1 − ηₜ·λ) (SgdW).</summary>
    public float DecayFactor;
    /// <summary>What the buffer is multiplied by: μ, or 0 on the step that seeds it.</summary>
    public float BufferDecay;
    /// <summary>What the gradient is multiplied by into the buffer: 1 − τ, or 1 on the step that seeds it.</summary>
    public float GradScale;
    /// <summary>μ, for Nesterov's look-ahead d = d + μ·b.</summary>
    public float Momentum;
    /// <summary>−lr.</summary>
    public float NegLearningRate;
    /// <summary>λ₁ for the subgradient form.</summary>
    public float L1;
    /// <summary>lr·λ₁ for the proximal form.</summary>
    public float L1Threshold;
}
