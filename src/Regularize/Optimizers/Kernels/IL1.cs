using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

/// <summary>How L1 enters: not at all, as a subgradient term, or as a proximal soft-threshold after the update.</summary>
internal interface IL1
{
    /// <summary>g ← g + λ₁·sign(θ) for the subgradient form (sign(0) = 0); g otherwise.</summary>
    static abstract float Grad(float g, float theta, float l1);
    static abstract Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> l1);
    static abstract Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> l1);

    /// <summary>θ ← sign(θ)·max(|θ| − t, 0) with t = lr·λ₁ for the proximal form; θ otherwise.</summary>
    static abstract float Prox(float theta, float threshold);
    static abstract Vector256<float> Prox(Vector256<float> theta, Vector256<float> threshold);
    static abstract Vector512<float> Prox(Vector512<float> theta, Vector512<float> threshold);
}
