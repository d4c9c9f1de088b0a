using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

/// <summary>
/// One fused Adam/AdamW pass: reads θ, g, m, v (and vMax) once and writes θ, m, v (and vMax) once.
/// Per element, in PyTorch 1.13's operation order:
/// <code>
/// g  = sign·g;  g = g + λ·θ (coupled);  g = g + λ₁·sign(θ) (L1 subgradient)
/// θ  = θ·(1 − lr·λ)                           (decoupled)
/// m  = m·β₁ + (1 − β₁)·g
/// v  = v·β₂ + ((1 − β₂)·g)·g
/// vMax = max(vMax, v); v̂src = vMax or v         (AMSGrad)
/// denom = √v̂src / √(1 − β₂ᵗ) + ε
/// θ  = θ + (−lr / (1 − β₁ᵗ))·(m / denom)
/// θ  = sign(θ)·max(|θ| − lr·λ₁, 0)              (L1 proximal)
/// </code>
/// </summary>
internal static class AdamKernel
{
    /// <summary>Updates <paramref name="n"/> elements. For <typeparamref name="TAms"/> = <see cref="Off"/>, <paramref name="vMax"/> is never touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update<TDecay, TL1, TAms>(ref float theta, ref float grad, ref float m, ref float v, ref float vMax, nuint n, in AdamScalars s)
        where TDecay : struct, IDecay where TL1 : struct, IL1 where TAms : struct, ISwitch
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            var sign = Vector512.Create(s.GradSign);
            var wd = Vector512.Create(s.WeightDecay);
            var factor = Vector512.Create(s.DecayFactor);
            var b1 = Vector512.Create(s.Beta1);
            var omb1 = Vector512.Create(s.OneMinusBeta1);
            var b2 = Vector512.Create(s.Beta2);
            var omb2 = Vector512.Create(s.OneMinusBeta2);
            var bc2 = Vector512.Create(s.Bc2Sqrt);
            var eps = Vector512.Create(s.Epsilon);
            var negStep = Vector512.Create(s.NegStepSize);
            var l1 = Vector512.Create(s.L1);
            var thr = Vector512.Create(s.L1Threshold);
            nuint last = n - (nuint)Vector512<float>.Count;
            for (; i <= last; i += (nuint)Vector512<float>.Count)
            {
                var th = Vector512.LoadUnsafe(ref theta, i);
                var g = sign * Vector512.LoadUnsafe(ref grad, i);
                g = TDecay.Grad(g, th, wd);
                g = TL1.Grad(g, th, l1);
                th = TDecay.Shrink(th, factor);
                var mi = Vector512.LoadUnsafe(ref m, i) * b1 + omb1 * g;
                var vi = Vector512.LoadUnsafe(ref v, i) * b2 + (omb2 * g) * g;
                mi.StoreUnsafe(ref m, i);
                vi.StoreUnsafe(ref v, i);
                if (TAms.Enabled)
                {
                    vi = Vector512.Max(Vector512.LoadUnsafe(ref vMax, i), vi);
                    vi.StoreUnsafe(ref vMax, i);
                }
                var denom = Vector512.Sqrt(vi) / bc2 + eps;
                th += negStep * (mi / denom);
                TL1.Prox(th, thr).StoreUnsafe(ref theta, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            var sign = Vector256.Create(s.GradSign);
            var wd = Vector256.Create(s.WeightDecay);
            var factor = Vector256.Create(s.DecayFactor);
            var b1 = Vector256.Create(s.Beta1);
            var omb1 = Vector256.Create(s.OneMinusBeta1);
            var b2 = Vector256.Create(s.Beta2);
            var omb2 = Vector256.Create(s.OneMinusBeta2);
            var bc2 = Vector256.Create(s.Bc2Sqrt);
            var eps = Vector256.Create(s.Epsilon);
            var negStep = Vector256.Create(s.NegStepSize);
            var l1 = Vector256.Create(s.L1);
            var thr = Vector256.Create(s.L1Threshold);
            nuint last = n - (nuint)Vector256<float>.Count;
            for (; i <= last; i += (nuint)Vector256<float>.Count)
            {
                var th = Vector256.LoadUnsafe(ref theta, i);
                var g = sign * Vector256.LoadUnsafe(ref grad, i);
                g = TDecay.Grad(g, th, wd);
                g = TL1.Grad(g, th, l1);
                th = TDecay.Shrink(th, factor);
                var mi = Vector256.LoadUnsafe(ref m, i) * b1 + omb1 * g;
                var vi = Vector256.LoadUnsafe(ref v, i) * b2 + (omb2 * g) * g;
                mi.StoreUnsafe(ref m, i);
                vi.StoreUnsafe(ref v, i);
                if (TAms.Enabled)
                {
                    vi = Vector256.Max(Vector256.LoadUnsafe(ref vMax, i), vi);
                    vi.StoreUnsafe(ref vMax, i);
                }
                var denom = Vector256.Sqrt(vi) / bc2 + eps;
                th += negStep * (mi / denom);
                TL1.Prox(th, thr).StoreUnsafe(ref theta, i);
            }
        }
        UpdateScalar<TDecay, TL1, TAms>(ref theta, ref grad, ref m, ref v, ref vMax, i, n, s);
    }

    /// <summary>The scalar path: elements [<paramref name="i"/>, <paramref name="n"/>). The SIMD loops' tail, and the benchmarks' baseline.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateScalar<TDecay, TL1, TAms>(ref float theta, ref float grad, ref float m, ref float v, ref float vMax, nuint i, nuint n, in AdamScalars s)
        where TDecay : struct, IDecay where TL1 : struct, IL1 where TAms : struct, ISwitch
    {
        for (; i < n; i++)
        {
            ref float th = ref Unsafe.Add(ref theta, i);
            ref float mi = ref Unsafe.Add(ref m, i);
            ref float vi = ref Unsafe.Add(ref v, i);
            float g = s.GradSign * Unsafe.Add(ref grad, i);
            g = TDecay.Grad(g, th, s.WeightDecay);
            g = TL1.Grad(g, th, s.L1);
            float t = TDecay.Shrink(th, s.DecayFactor);
            mi = mi * s.Beta1 + s.OneMinusBeta1 * g;
            vi = vi * s.Beta2 + (s.OneMinusBeta2 * g) * g;
            float vs = vi;
            if (TAms.Enabled)
            {
                ref float vm = ref Unsafe.Add(ref vMax, i);
                vm = MathF.Max(vm, vi);
                vs = vm;
            }
            float denom = MathF.Sqrt(vs) / s.Bc2Sqrt + s.Epsilon;
            t += s.NegStepSize * (mi / denom);
            th = TL1.Prox(t, s.L1Threshold);
        }
    }
}
