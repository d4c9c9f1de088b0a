using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>L1 as a coupled subgradient: g ← g + λ₁·sign(θ), with sign(0) = 0; weights oscillate around zero instead of reaching it.</summary>
internal readonly struct L1Subgradient : IL1Penalty
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float l1) => g + (theta == 0f ? 0f : MathF.CopySign(l1, theta));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec l1) where TVec : struct, IFloatVector<TVec> => g + l1 * TVec.Sign(theta);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float threshold) => theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec threshold) where TVec : struct, IFloatVector<TVec> => theta;
}
