using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>Coupled L2: g ← g + λ·θ, on the gradient, before any moment of the rule sees it.</summary>
internal readonly struct CoupledL2 : IWeightDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float lambda) => g + lambda * theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec lambda) where TVec : struct, IFloatVector<TVec> => g + lambda * theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float factor) => theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec factor) where TVec : struct, IFloatVector<TVec> => theta;
}
