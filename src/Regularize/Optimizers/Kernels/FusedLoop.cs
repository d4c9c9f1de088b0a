using System.Runtime.CompilerServices;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers.Kernels;

/// <summary>
/// The one loop every optimizer runs: reads θ, g and the rule's slots once and writes θ and the slots once.
/// One index walks from the widest accelerated width down (16, 8, 4 lanes) and the scalar form takes the tail.
/// Per element, the pieces sit around the rule where their placement says:
/// <code>
/// g = sign·g                        (−1 when maximizing)
/// g = TDecay.Gradient(g, θ, λ)      (coupled L2: before the rule, so its moments see λθ)
/// g = TL1.Gradient(g, θ, λ₁)        (L1 subgradient)
/// θ = TDecay.Weight(θ, 1 − lr·λ)    (decoupled: on the weight, outside the rule)
/// θ = TRule.Update(θ, g, slots)     (the optimizer's rule)
/// θ = TL1.Weight(θ, lr·λ₁)          (L1 proximal step)
/// </code>
/// </summary>
internal static class FusedLoop
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint n, bool scalarOnly)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        nuint i = 0;
        if (!scalarOnly)
        {
            if (F32x16.IsHardwareAccelerated) i = Vector<F32x16, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n);
            if (F32x8.IsHardwareAccelerated) i = Vector<F32x8, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n);
            if (F32x4.IsHardwareAccelerated) i = Vector<F32x4, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n);
        }
        Scalar<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n);
    }

    /// <summary>One width only, then the scalar tail (tests run every width this way, accelerated or not).</summary>
    public static void RunWidth<TVec, TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint n)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        nuint i = Vector<TVec, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, 0, n);
        Scalar<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Vector<TVec, TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        if (n - i < (nuint)TVec.Count) return i;
        var sign = TVec.Create(pieces.GradSign);
        var lambda = TVec.Create(pieces.Lambda);
        var factor = TVec.Create(pieces.DecayFactor);
        var l1 = TVec.Create(pieces.L1);
        var threshold = TVec.Create(pieces.L1Threshold);
        nuint last = n - (nuint)TVec.Count;
        for (; i <= last; i += (nuint)TVec.Count)
        {
            var th = TVec.Load(ref theta, i);
            var g = sign * TVec.Load(ref grad, i);
            g = TDecay.Gradient(g, th, lambda);
            g = TL1.Gradient(g, th, l1);
            th = TDecay.Weight(th, factor);
            th = TRule.Update(rule, th, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i));
            TVec.Store(TL1.Weight(th, threshold), ref theta, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (; i < n; i++)
        {
            ref float th = ref Unsafe.Add(ref theta, i);
            float g = pieces.GradSign * Unsafe.Add(ref grad, i);
            g = TDecay.Gradient(g, th, pieces.Lambda);
            g = TL1.Gradient(g, th, pieces.L1);
            float t = TDecay.Weight(th, pieces.DecayFactor);
            t = TRule.Update(rule, t, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i));
            th = TL1.Weight(t, pieces.L1Threshold);
        }
    }
}
