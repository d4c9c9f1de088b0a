using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>L1 as a proximal step after the update: θ ← sign(θ)·max(|θ| − lr·λ₁, 0), which yields exact zeros.</summary>
internal readonly struct L1Proximal : IL1Penalty
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float l1) => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec l1) where TVec : struct, IFloatVector<TVec> => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float threshold) => MathF.CopySign(MathF.Max(MathF.Abs(theta) - threshold, 0f), theta);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec threshold) where TVec : struct, IFloatVector<TVec> => TVec.CopySign(TVec.Max(TVec.Abs(theta) - threshold, TVec.Zero), theta);
}
