using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>
/// Coupled L2: g ← g + λ·θ, on the gradient, before any moment of the rule sees it. Formed as one fused
/// multiply-add, fma(λ, θ, g), rounded once, as PyTorch 1.13's <c>grad.add(param, alpha=weight_decay)</c> is on the
/// CPU; the scalar form and every vector width give the same bits.
/// </summary>
internal readonly struct CoupledL2 : IWeightDecay
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float g, float theta, float lambda) => MathF.FusedMultiplyAdd(lambda, theta, g);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Gradient<TVec>(TVec g, TVec theta, TVec lambda) where TVec : struct, IFloatVector<TVec> =>
        TVec.FusedMultiplyAdd(lambda, theta, g);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float theta, float factor) => theta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Weight<TVec>(TVec theta, TVec factor) where TVec : struct, IFloatVector<TVec> => theta;
}
