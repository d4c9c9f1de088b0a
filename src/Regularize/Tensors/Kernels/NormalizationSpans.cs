using System.Numerics;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// The span loops that batch and group normalisation share: the squared deviations of a plane from its mean, and the
/// per-plane affine map y = x·a + b (or (x − μ)·a + b) that both write their outputs and input gradients with.
/// </summary>
internal static class NormalizationSpans
{
    /// <summary>dst = x·a + b elementwise (a fused multiply-add where the hardware has one).</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, float a, float b, Span<float> dst)
    {
        var va = new Vector<float>(a);
        var vb = new Vector<float>(b);
        int i = 0;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            Vector.FusedMultiplyAdd(new Vector<float>(x.Slice(i)), va, vb).CopyTo(dst.Slice(i));
        }
        for (; i < x.Length; i++) dst[i] = MathF.FusedMultiplyAdd(x[i], a, b);
    }

    /// <summary>dst = (x − μ)·a + b elementwise.</summary>
    public static void CentredScaleShift(ReadOnlySpan<float> x, float mu, float a, float b, Span<float> dst)
    {
        var vm = new Vector<float>(mu);
        var va = new Vector<float>(a);
        var vb = new Vector<float>(b);
        int i = 0;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            Vector.FusedMultiplyAdd(new Vector<float>(x.Slice(i)) - vm, va, vb).CopyTo(dst.Slice(i));
        }
        for (; i < x.Length; i++) dst[i] = MathF.FusedMultiplyAdd(x[i] - mu, a, b);
    }

    /// <summary>Σ (x − μ)², in float32 lanes added in a fixed order, returned as a double for the caller's sum across planes.</summary>
    public static double SquaredDeviations(ReadOnlySpan<float> x, float mu)
    {
        var vm = new Vector<float>(mu);
        var acc = Vector<float>.Zero;
        int i = 0;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            var d = new Vector<float>(x.Slice(i)) - vm;
            acc += d * d;
        }
        float sum = Vector.Sum(acc);
        for (; i < x.Length; i++)
        {
            float d = x[i] - mu;
            sum += d * d;
        }
        return sum;
    }
}
