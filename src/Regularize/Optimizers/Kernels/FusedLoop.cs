using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// <c>offset</c> is the index of the first element in its parameter (a chunk's start); rules see it through
/// <see cref="StateSlots.Index"/>.
/// </summary>
internal static class FusedLoop
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint n, bool scalarOnly, nuint offset = 0)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        nuint i = 0;
        if (!scalarOnly)
        {
            if (F32x16.IsHardwareAccelerated) i = Vector<F32x16, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, offset);
            if (F32x8.IsHardwareAccelerated) i = Vector<F32x8, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, offset);
            if (F32x4.IsHardwareAccelerated) i = Vector<F32x4, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, offset);
        }
        Scalar<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, offset);
    }

    /// <summary>One width only, then the scalar tail (tests run every width this way, accelerated or not).</summary>
    public static void RunWidth<TVec, TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint n, nuint offset = 0)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        nuint i = Vector<TVec, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, 0, n, offset);
        Scalar<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Vector<TVec, TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n, nuint offset)
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
            th = TRule.Update(rule, th, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i, offset));
            TVec.Store(TL1.Weight(th, threshold), ref theta, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n, nuint offset)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (; i < n; i++)
        {
            ref float th = ref Unsafe.Add(ref theta, i);
            float g = pieces.GradSign * Unsafe.Add(ref grad, i);
            g = TDecay.Gradient(g, th, pieces.Lambda);
            g = TL1.Gradient(g, th, pieces.L1);
            float t = TDecay.Weight(th, pieces.DecayFactor);
            t = TRule.Update(rule, t, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i, offset));
            th = TL1.Weight(t, pieces.L1Threshold);
        }
    }

    /// <summary>
    /// The reduce phase of an <see cref="IReducingRule{TSelf}"/> over elements [0, n) of one chunk (which starts at a
    /// multiple of 32): returns Σa² and Σb² in double, element i into accumulator i mod 32, combined pairwise. Thirty-two
    /// accumulators rather than eight: a 16-lane step then alternates between two independent halves, so the adds
    /// into one accumulator wait on each other half as often.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double A, double B) Reduce<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint n, bool scalarOnly, nuint offset = 0)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        Span<double> lanes = stackalloc double[2 * Accumulators];
        lanes.Clear();
        ref double la = ref lanes[0], lb = ref lanes[Accumulators];
        nuint i = 0;
        if (!scalarOnly)
        {
            if (F32x16.IsHardwareAccelerated) i = ReduceVector<F32x16, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, ref la, ref lb, offset);
            if (F32x8.IsHardwareAccelerated) i = ReduceVector<F32x8, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, ref la, ref lb, offset);
            if (F32x4.IsHardwareAccelerated) i = ReduceVector<F32x4, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, ref la, ref lb, offset);
        }
        ReduceScalar<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, ref la, ref lb, offset);
        return (Combine(ref la), Combine(ref lb));
    }

    /// <summary>The reduce phase at one width only, then the scalar tail (for tests).</summary>
    public static (double A, double B) ReduceWidth<TVec, TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint n, nuint offset = 0)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        Span<double> lanes = stackalloc double[2 * Accumulators];
        lanes.Clear();
        ref double la = ref lanes[0], lb = ref lanes[Accumulators];
        nuint i = ReduceVector<TVec, TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, 0, n, ref la, ref lb, offset);
        ReduceScalar<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, ref la, ref lb, offset);
        return (Combine(ref la), Combine(ref lb));
    }

    /// <summary>How many double accumulators each sum of the reduce phase has (element i goes to i mod 32).</summary>
    internal const int Accumulators = 32;

    /// <summary>The 32 accumulators combined pairwise (a fixed tree: neighbours first).</summary>
    internal static double Combine(ref double l)
    {
        Span<double> s = stackalloc double[Accumulators];
        for (int k = 0; k < Accumulators; k++) s[k] = Unsafe.Add(ref l, k);
        for (int width = Accumulators / 2; width >= 1; width /= 2)
            for (int k = 0; k < width; k++) s[k] = s[2 * k] + s[2 * k + 1];
        return s[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint ReduceVector<TVec, TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n, ref double la, ref double lb, nuint offset)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        if (n - i < (nuint)TVec.Count) return i;
        if (typeof(TVec) == typeof(F32x16) && (i & (Accumulators - 1)) == 0)
            return Reduce16<TRule, TDecay, TL1>(rule, pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, n, ref la, ref lb, offset);
        var sign = TVec.Create(pieces.GradSign);
        var lambda = TVec.Create(pieces.Lambda);
        var l1 = TVec.Create(pieces.L1);
        nuint last = n - (nuint)TVec.Count;
        for (; i <= last; i += (nuint)TVec.Count)
        {
            var th = TVec.Load(ref theta, i);
            var g = sign * TVec.Load(ref grad, i);
            g = TDecay.Gradient(g, th, lambda);
            g = TL1.Gradient(g, th, l1);
            TRule.Reduce(rule, th, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i, offset), out TVec a, out TVec b);
            TVec.AccumulateSquares(a, ref la, i & (Accumulators - 1));
            TVec.AccumulateSquares(b, ref lb, i & (Accumulators - 1));
        }
        return i;
    }

    /// <summary>
    /// The 16-lane reduce loop with its 32 + 32 accumulators held in registers (eight vectors of 8 doubles) rather than
    /// in memory: the same additions in the same order as <see cref="IFloatVector{TSelf}.AccumulateSquares"/>, so the same
    /// bits, without a store and reload per vector. Starts at an index that is a multiple of 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Reduce16<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n, ref double la, ref double lb, nuint offset)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        var sign = F32x16.Create(pieces.GradSign);
        var lambda = F32x16.Create(pieces.Lambda);
        var l1 = F32x16.Create(pieces.L1);
        Vector512<double> a0 = Vector512.LoadUnsafe(ref la), a1 = Vector512.LoadUnsafe(ref la, 8), a2 = Vector512.LoadUnsafe(ref la, 16), a3 = Vector512.LoadUnsafe(ref la, 24);
        Vector512<double> b0 = Vector512.LoadUnsafe(ref lb), b1 = Vector512.LoadUnsafe(ref lb, 8), b2 = Vector512.LoadUnsafe(ref lb, 16), b3 = Vector512.LoadUnsafe(ref lb, 24);
        for (; n - i >= 32; i += 32)
        {
            var (a, b) = Reduce16At<TRule, TDecay, TL1>(rule, sign, lambda, l1, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, offset);
            var (lo, hi) = Vector512.Widen(a.Value);
            a0 += lo * lo;
            a1 += hi * hi;
            (lo, hi) = Vector512.Widen(b.Value);
            b0 += lo * lo;
            b1 += hi * hi;
            (a, b) = Reduce16At<TRule, TDecay, TL1>(rule, sign, lambda, l1, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i + 16, offset);
            (lo, hi) = Vector512.Widen(a.Value);
            a2 += lo * lo;
            a3 += hi * hi;
            (lo, hi) = Vector512.Widen(b.Value);
            b2 += lo * lo;
            b3 += hi * hi;
        }
        if (n - i >= 16)
        {
            var (a, b) = Reduce16At<TRule, TDecay, TL1>(rule, sign, lambda, l1, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, i, offset);
            var (lo, hi) = Vector512.Widen(a.Value);
            a0 += lo * lo;
            a1 += hi * hi;
            (lo, hi) = Vector512.Widen(b.Value);
            b0 += lo * lo;
            b1 += hi * hi;
            i += 16;
        }
        a0.StoreUnsafe(ref la);
        a1.StoreUnsafe(ref la, 8);
        a2.StoreUnsafe(ref la, 16);
        a3.StoreUnsafe(ref la, 24);
        b0.StoreUnsafe(ref lb);
        b1.StoreUnsafe(ref lb, 8);
        b2.StoreUnsafe(ref lb, 16);
        b3.StoreUnsafe(ref lb, 24);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (F32x16 A, F32x16 B) Reduce16At<TRule, TDecay, TL1>(in TRule rule, F32x16 sign, F32x16 lambda, F32x16 l1, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint offset)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        var th = F32x16.Load(ref theta, i);
        var g = sign * F32x16.Load(ref grad, i);
        g = TDecay.Gradient(g, th, lambda);
        g = TL1.Gradient(g, th, l1);
        TRule.Reduce(rule, th, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i, offset), out F32x16 a, out F32x16 b);
        return (a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceScalar<TRule, TDecay, TL1>(in TRule rule, in LoopPieces pieces, ref float theta, ref float grad,
        ref float s0, ref float s1, ref float s2, ref float s3, nuint i, nuint n, ref double la, ref double lb, nuint offset)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (; i < n; i++)
        {
            float th = Unsafe.Add(ref theta, i);
            float g = pieces.GradSign * Unsafe.Add(ref grad, i);
            g = TDecay.Gradient(g, th, pieces.Lambda);
            g = TL1.Gradient(g, th, pieces.L1);
            TRule.Reduce(rule, th, g, new StateSlots(ref s0, ref s1, ref s2, ref s3, i, offset), out float a, out float b);
            double da = a, db = b;
            Unsafe.Add(ref la, i & (Accumulators - 1)) += da * da;
            Unsafe.Add(ref lb, i & (Accumulators - 1)) += db * db;
        }
    }
}
