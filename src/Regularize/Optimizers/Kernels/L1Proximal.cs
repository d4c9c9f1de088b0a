using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

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
