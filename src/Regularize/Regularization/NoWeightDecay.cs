using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>No weight decay: both hooks return their input.</summary>
internal readonly struct NoWeightDecay : IWeightDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float lambda) => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec lambda) where TVec : struct, IFloatVector<TVec> => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float factor) => theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec factor) where TVec : struct, IFloatVector<TVec> => theta;
}
