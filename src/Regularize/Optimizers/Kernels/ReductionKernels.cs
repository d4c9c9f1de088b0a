using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Optimizers.Kernels;

/// <summary>Read-only passes over gradients: the finiteness check and the sum of squares for clipping.</summary>
internal static class ReductionKernels
{
    /// <summary>
    /// True when no element is NaN or ±∞. Accumulates x·0, which is 0 for finite x and NaN otherwise,
    /// so the loop has no branch per element.
    /// </summary>
    public static bool AllFinite(ref float x, nuint n)
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            var acc = Vector512<float>.Zero;
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
                acc += Vector512.LoadUnsafe(ref x, i) * Vector512<float>.Zero;
            if (!Vector512.EqualsAll(acc, Vector512<float>.Zero)) return false;
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
                acc += Vector256.LoadUnsafe(ref x, i) * Vector256<float>.Zero;
            if (!Vector256.EqualsAll(acc, Vector256<float>.Zero)) return false;
        }
        float s = 0f;
        for (; i < n; i++) s += Unsafe.Add(ref x, i) * 0f;
        return s == 0f;
    }

    /// <summary>
    /// Σx² in double with a fixed summation order that does not depend on the instruction set:
    /// eight lane sums (element i goes to lane i mod 8), combined pairwise at the end. Products of
    /// floats are exact in double, so only this order matters, and it is the same on every path.
    /// </summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        ref float r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length, i = 0;
        Span<double> lanes = stackalloc double[8];
        lanes.Clear();
        if (Vector256.IsHardwareAccelerated)
        {
            var lo = Vector256<double>.Zero;
            var hi = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var (a, b) = Vector256.Widen(Vector256.LoadUnsafe(ref r, i));
                lo += a * a;
                hi += b * b;
            }
            lo.CopyTo(lanes);
            hi.CopyTo(lanes[4..]);
        }
        else
        {
            for (; i + 8 <= n; i += 8)
            {
                for (int k = 0; k < 8; k++)
                {
                    double a = Unsafe.Add(ref r, i + (nuint)k);
                    lanes[k] += a * a;
                }
            }
        }
        for (int k = 0; i < n; i++, k++)
        {
            double a = Unsafe.Add(ref r, i);
            lanes[k] += a * a;
        }
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    }
}
