using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>Read-only passes over float arrays: the bound check optimizers run on gradients, and the sum of squares for clipping and norms.</summary>
internal static class ReductionKernels
{
    /// <summary>True when no element is NaN or ±∞.</summary>
    public static bool AllFinite(ref float x, nuint n) => AllWithin(ref x, n, float.MaxValue);

    /// <summary>
    /// True when every element satisfies |x| ≤ <paramref name="bound"/>; NaN fails. One generic loop runs widest
    /// vector first, then narrower, then scalar; it accumulates a mask, so there is no branch per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllWithin(ref float x, nuint n, float bound)
    {
        nuint i = 0;
        if (F32x16.IsHardwareAccelerated && !AllWithin<F32x16>(ref x, ref i, n, bound)) return false;
        if (F32x8.IsHardwareAccelerated && !AllWithin<F32x8>(ref x, ref i, n, bound)) return false;
        if (F32x4.IsHardwareAccelerated && !AllWithin<F32x4>(ref x, ref i, n, bound)) return false;
        bool ok = true;
        for (; i < n; i++) ok &= MathF.Abs(Unsafe.Add(ref x, i)) <= bound;
        return ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AllWithin<TVec>(ref float x, ref nuint i, nuint n, float bound) where TVec : struct, IFloatVector<TVec>
    {
        if (n - i < (nuint)TVec.Count) return true;
        var b = TVec.Create(bound);
        var ok = TVec.EqualMask(TVec.Zero, TVec.Zero);
        nuint j = i;
        for (; j + (nuint)TVec.Count <= n; j += (nuint)TVec.Count) ok &= TVec.LessThanOrEqualMask(TVec.Abs(TVec.Load(ref x, j)), b);
        i = j;
        return TVec.AllSet(ok);
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
