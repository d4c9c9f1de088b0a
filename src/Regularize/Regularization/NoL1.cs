using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>No L1 term: both hooks return their input.</summary>
internal readonly struct NoL1 : IL1Penalty
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float l1) => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec l1) where TVec : struct, IFloatVector<TVec> => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float threshold) => theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec threshold) where TVec : struct, IFloatVector<TVec> => theta;
}
