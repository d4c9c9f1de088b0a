using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

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
