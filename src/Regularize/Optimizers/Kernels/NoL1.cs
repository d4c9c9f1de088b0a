using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

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
