using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

/// <summary>
/// One fused SGD/SgdW pass: reads θ, g (and b) once and writes θ (and b) once. Per element, in PyTorch 1.13's order:
/// <code>
/// d = sign·g;  d = d + λ·θ (coupled);  d = d + λ₁·sign(θ) (L1 subgradient)
/// θ = θ·(1 − lr·λ)                          (decoupled, SgdW)
/// b = b·μ + (1 − τ)·d                       (momentum; on the first step b = d)
/// d = d + μ·b (Nesterov)  or  d = b (momentum)
/// θ = θ + (−lr)·d
/// θ = sign(θ)·max(|θ| − lr·λ₁, 0)             (L1 proximal)
/// </code>
/// </summary>
internal static class SgdKernel
{
    /// <summary>Updates <paramref name="n"/> elements. Without <typeparamref name="TBuffer"/>, <paramref name="buffer"/> is never touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update<TDecay, TL1, TBuffer, TNesterov>(ref float theta, ref float grad, ref float buffer, nuint n, in SgdScalars s)
        where TDecay : struct, IDecay where TL1 : struct, IL1 where TBuffer : struct, ISwitch where TNesterov : struct, ISwitch
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            var sign = Vector512.Create(s.GradSign);
            var wd = Vector512.Create(s.WeightDecay);
            var factor = Vector512.Create(s.DecayFactor);
            var bufDecay = Vector512.Create(s.BufferDecay);
            var gradScale = Vector512.Create(s.GradScale);
            var mu = Vector512.Create(s.Momentum);
            var negLr = Vector512.Create(s.NegLearningRate);
            var l1 = Vector512.Create(s.L1);
            var thr = Vector512.Create(s.L1Threshold);
            nuint last = n - (nuint)Vector512<float>.Count;
            for (; i <= last; i += (nuint)Vector512<float>.Count)
            {
                var th = Vector512.LoadUnsafe(ref theta, i);
                var d = sign * Vector512.LoadUnsafe(ref grad, i);
                d = TDecay.Grad(d, th, wd);
                d = TL1.Grad(d, th, l1);
                th = TDecay.Shrink(th, factor);
                if (TBuffer.Enabled)
                {
                    var b = Vector512.LoadUnsafe(ref buffer, i) * bufDecay + gradScale * d;
                    b.StoreUnsafe(ref buffer, i);
                    d = TNesterov.Enabled ? d + mu * b : b;
                }
                th += negLr * d;
                TL1.Prox(th, thr).StoreUnsafe(ref theta, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            var sign = Vector256.Create(s.GradSign);
            var wd = Vector256.Create(s.WeightDecay);
            var factor = Vector256.Create(s.DecayFactor);
            var bufDecay = Vector256.Create(s.BufferDecay);
            var gradScale = Vector256.Create(s.GradScale);
            var mu = Vector256.Create(s.Momentum);
            var negLr = Vector256.Create(s.NegLearningRate);
            var l1 = Vector256.Create(s.L1);
            var thr = Vector256.Create(s.L1Threshold);
            nuint last = n - (nuint)Vector256<float>.Count;
            for (; i <= last; i += (nuint)Vector256<float>.Count)
            {
                var th = Vector256.LoadUnsafe(ref theta, i);
                var d = sign * Vector256.LoadUnsafe(ref grad, i);
                d = TDecay.Grad(d, th, wd);
                d = TL1.Grad(d, th, l1);
                th = TDecay.Shrink(th, factor);
                if (TBuffer.Enabled)
                {
                    var b = Vector256.LoadUnsafe(ref buffer, i) * bufDecay + gradScale * d;
                    b.StoreUnsafe(ref buffer, i);
                    d = TNesterov.Enabled ? d + mu * b : b;
                }
                th += negLr * d;
                TL1.Prox(th, thr).StoreUnsafe(ref theta, i);
            }
        }
        UpdateScalar<TDecay, TL1, TBuffer, TNesterov>(ref theta, ref grad, ref buffer, i, n, s);
    }

    /// <summary>The scalar path: elements [<paramref name="i"/>, <paramref name="n"/>). The SIMD loops' tail, and the benchmarks' baseline.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateScalar<TDecay, TL1, TBuffer, TNesterov>(ref float theta, ref float grad, ref float buffer, nuint i, nuint n, in SgdScalars s)
        where TDecay : struct, IDecay where TL1 : struct, IL1 where TBuffer : struct, ISwitch where TNesterov : struct, ISwitch
    {
        for (; i < n; i++)
        {
            ref float th = ref Unsafe.Add(ref theta, i);
            float d = s.GradSign * Unsafe.Add(ref grad, i);
            d = TDecay.Grad(d, th, s.WeightDecay);
            d = TL1.Grad(d, th, s.L1);
            float t = TDecay.Shrink(th, s.DecayFactor);
            if (TBuffer.Enabled)
            {
                ref float b = ref Unsafe.Add(ref buffer, i);
                b = b * s.BufferDecay + s.GradScale * d;
                d = TNesterov.Enabled ? d + s.Momentum * b : b;
            }
            t += s.NegLearningRate * d;
            th = TL1.Prox(t, s.L1Threshold);
        }
    }
}
