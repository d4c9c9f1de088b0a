using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

// The option structs the update kernels are generic over. Each is a zero-size struct whose static
// members the JIT inlines, so every combination of options gets its own loop without a test per element.

/// <summary>Where weight decay enters: nowhere, into the gradient (coupled L2), or onto the weight (decoupled).</summary>
internal interface IDecay
{
    /// <summary>g ← g + λ·θ for coupled L2; g otherwise.</summary>
    static abstract float Grad(float g, float theta, float lambda);
    static abstract Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> lambda);
    static abstract Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> lambda);

    /// <summary>θ ← θ·f with f = 1 − lr·λ (or 1 − ηₜ·λ) for decoupled decay; θ otherwise.</summary>
    static abstract float Shrink(float theta, float factor);
    static abstract Vector256<float> Shrink(Vector256<float> theta, Vector256<float> factor);
    static abstract Vector512<float> Shrink(Vector512<float> theta, Vector512<float> factor);
}
