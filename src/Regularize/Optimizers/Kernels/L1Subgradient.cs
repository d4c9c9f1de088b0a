using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

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
