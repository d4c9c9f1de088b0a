using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>Decoupled decay: θ ← θ·(1 − lr·λ) (or 1 − ηₜ·λ), on the weight, outside the rule; the gradient and the moments never see λ.</summary>
internal readonly struct DecoupledDecay : IWeightDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float lambda) => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec lambda) where TVec : struct, IFloatVector<TVec> => g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float factor) => theta * factor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec factor) where TVec : struct, IFloatVector<TVec> => theta * factor;
}
