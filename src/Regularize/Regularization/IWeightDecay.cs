using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>
/// Where the weight decay λ enters an update, as a piece the shared optimizer loop composes with any rule:
/// <see cref="Gradient"/> runs on the gradient <b>before</b> the rule (coupled L2: the rule's moments see λθ),
/// <see cref="Weight"/> runs on the weight <b>outside</b> the rule (decoupled: θ shrinks, the moments never see λ).
/// Zero-size structs; the JIT emits one loop per piece, so an unused piece costs nothing.
/// </summary>
internal interface IWeightDecay
{
    /// <summary>g ← fma(λ, θ, g) = g + λ·θ rounded once for coupled L2; g otherwise.</summary>
    static abstract float Gradient(float g, float theta, float lambda);

    /// <summary>The vector form of <see cref="Gradient(float, float, float)"/>.</summary>
    static abstract TVec Gradient<TVec>(TVec g, TVec theta, TVec lambda) where TVec : struct, IFloatVector<TVec>;

    /// <summary>θ ← θ·f with f = 1 − lr·λ (or 1 − ηₜ·λ) for decoupled decay; θ otherwise.</summary>
    static abstract float Weight(float theta, float factor);

    /// <summary>The vector form of <see cref="Weight(float, float)"/>.</summary>
    static abstract TVec Weight<TVec>(TVec theta, TVec factor) where TVec : struct, IFloatVector<TVec>;
}
