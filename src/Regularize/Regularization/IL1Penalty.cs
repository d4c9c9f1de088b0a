using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>
/// How an L1 coefficient λ₁ enters an update, as a piece the shared optimizer loop composes with any rule:
/// as a subgradient on the gradient before the rule, or as a proximal soft-threshold on the weight after it.
/// </summary>
internal interface IL1Penalty
{
    /// <summary>g ← g + λ₁·sign(θ) for the subgradient form (sign(0) = 0); g otherwise.</summary>
    static abstract float Gradient(float g, float theta, float l1);

    /// <summary>The vector form of <see cref="Gradient(float, float, float)"/>.</summary>
    static abstract TVec Gradient<TVec>(TVec g, TVec theta, TVec l1) where TVec : struct, IFloatVector<TVec>;

    /// <summary>θ ← sign(θ)·max(|θ| − t, 0) with t = lr·λ₁ for the proximal form; θ otherwise.</summary>
    static abstract float Weight(float theta, float threshold);

    /// <summary>The vector form of <see cref="Weight(float, float)"/>.</summary>
    static abstract TVec Weight<TVec>(TVec theta, TVec threshold) where TVec : struct, IFloatVector<TVec>;
}
