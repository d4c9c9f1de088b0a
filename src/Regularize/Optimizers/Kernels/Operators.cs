using System.Runtime.CompilerServices;
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

/// <summary>No weight decay.</summary>
internal readonly struct NoDecay : IDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Grad(float g, float theta, float lambda) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> lambda) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> lambda) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Shrink(float theta, float factor) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Shrink(Vector256<float> theta, Vector256<float> factor) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Shrink(Vector512<float> theta, Vector512<float> factor) => theta;
}

/// <summary>Coupled L2: g ← g + λ·θ, before any moment sees the gradient.</summary>
internal readonly struct CoupledL2 : IDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Grad(float g, float theta, float lambda) => g + lambda * theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> lambda) => g + lambda * theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> lambda) => g + lambda * theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Shrink(float theta, float factor) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Shrink(Vector256<float> theta, Vector256<float> factor) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Shrink(Vector512<float> theta, Vector512<float> factor) => theta;
}

/// <summary>Decoupled decay: θ ← θ·(1 − lr·λ), outside the gradient and its moments.</summary>
internal readonly struct Decoupled : IDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Grad(float g, float theta, float lambda) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> lambda) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> lambda) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Shrink(float theta, float factor) => theta * factor;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Shrink(Vector256<float> theta, Vector256<float> factor) => theta * factor;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Shrink(Vector512<float> theta, Vector512<float> factor) => theta * factor;
}

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

/// <summary>No L1 term.</summary>
internal readonly struct NoL1 : IL1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Grad(float g, float theta, float l1) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> l1) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> l1) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Prox(float theta, float threshold) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Prox(Vector256<float> theta, Vector256<float> threshold) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Prox(Vector512<float> theta, Vector512<float> threshold) => theta;
}

/// <summary>L1 as a coupled subgradient: g ← g + λ₁·sign(θ).</summary>
internal readonly struct L1Subgradient : IL1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Grad(float g, float theta, float l1) => g + (theta == 0f ? 0f : MathF.CopySign(l1, theta));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> l1) =>
        g + Vector256.AndNot(Vector256.CopySign(l1, theta), Vector256.Equals(theta, Vector256<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> l1) =>
        g + Vector512.AndNot(Vector512.CopySign(l1, theta), Vector512.Equals(theta, Vector512<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Prox(float theta, float threshold) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Prox(Vector256<float> theta, Vector256<float> threshold) => theta;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Prox(Vector512<float> theta, Vector512<float> threshold) => theta;
}

/// <summary>L1 as a proximal step: θ ← sign(θ)·max(|θ| − lr·λ₁, 0), which yields exact zeros.</summary>
internal readonly struct L1Proximal : IL1
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Grad(float g, float theta, float l1) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Grad(Vector256<float> g, Vector256<float> theta, Vector256<float> l1) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Grad(Vector512<float> g, Vector512<float> theta, Vector512<float> l1) => g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Prox(float theta, float threshold) => MathF.CopySign(MathF.Max(MathF.Abs(theta) - threshold, 0f), theta);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Prox(Vector256<float> theta, Vector256<float> threshold) =>
        Vector256.CopySign(Vector256.Max(Vector256.Abs(theta) - threshold, Vector256<float>.Zero), theta);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Prox(Vector512<float> theta, Vector512<float> threshold) =>
        Vector512.CopySign(Vector512.Max(Vector512.Abs(theta) - threshold, Vector512<float>.Zero), theta);
}

/// <summary>A compile-time switch: the JIT folds <see cref="Enabled"/> to a constant per instantiation.</summary>
internal interface ISwitch
{
    static abstract bool Enabled { get; }
}

/// <summary>The switch on (AMSGrad; Nesterov).</summary>
internal readonly struct On : ISwitch
{
    public static bool Enabled => true;
}

/// <summary>The switch off.</summary>
internal readonly struct Off : ISwitch
{
    public static bool Enabled => false;
}
