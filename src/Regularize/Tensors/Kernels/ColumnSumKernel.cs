using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// Column sums of a row-major matrix in one pass, the gradient of a bias broadcast over rows:
/// <c>s[j] = Σᵣ x[r, j]</c> summed in row order from 0, then <c>destination[j] = s[j]</c>, or
/// <c>destination[j] + s[j]</c> when accumulating. Widest vector of columns first, scalar tail; every element sees the
/// same additions in the same order on every path.
/// </summary>
public static class ColumnSumKernel
{
    /// <summary>The scalar definition for column <paramref name="column"/>.</summary>
    /// <param name="x">The matrix, <c>rows × columns</c>, row-major.</param>
    /// <param name="columns">The row length.</param>
    /// <param name="column">The column to sum.</param>
    /// <param name="previous">The destination's old value, added last when <paramref name="accumulate"/>.</param>
    /// <param name="accumulate">Add the sum to <paramref name="previous"/> instead of returning it alone.</param>
    public static float Invoke(ReadOnlySpan<float> x, int columns, int column, float previous, bool accumulate)
    {
        float s = 0f;
        for (int r = column; r < x.Length; r += columns) s += x[r];
        return accumulate ? previous + s : s;
    }

    /// <summary>Writes (or adds, when <paramref name="accumulate"/>) the column sums of <paramref name="x"/> to <paramref name="destination"/>.</summary>
    /// <param name="x">The matrix, <c>rows × destination.Length</c>, row-major.</param>
    /// <param name="destination">One element per column.</param>
    /// <param name="accumulate">Add to the destination's contents instead of overwriting them.</param>
    /// <exception cref="ArgumentException">The matrix's length is not a multiple of the destination's.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Invoke(ReadOnlySpan<float> x, Span<float> destination, bool accumulate)
    {
        int columns = destination.Length;
        if (columns == 0 ? x.Length != 0 : x.Length % columns != 0)
        {
            throw new ArgumentException($"ColumnSum: {x.Length} elements do not form rows of {columns}.", nameof(x));
        }
        if (columns == 0) return;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)columns, end = (nuint)x.Length, j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + (nuint)Vector512<float>.Count <= n; j += (nuint)Vector512<float>.Count)
            {
                var s = Vector512<float>.Zero;
                for (nuint r = j; r < end; r += n) s += Vector512.LoadUnsafe(ref xs, r);
                (accumulate ? Vector512.LoadUnsafe(ref ds, j) + s : s).StoreUnsafe(ref ds, j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + (nuint)Vector256<float>.Count <= n; j += (nuint)Vector256<float>.Count)
            {
                var s = Vector256<float>.Zero;
                for (nuint r = j; r < end; r += n) s += Vector256.LoadUnsafe(ref xs, r);
                (accumulate ? Vector256.LoadUnsafe(ref ds, j) + s : s).StoreUnsafe(ref ds, j);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j + (nuint)Vector128<float>.Count <= n; j += (nuint)Vector128<float>.Count)
            {
                var s = Vector128<float>.Zero;
                for (nuint r = j; r < end; r += n) s += Vector128.LoadUnsafe(ref xs, r);
                (accumulate ? Vector128.LoadUnsafe(ref ds, j) + s : s).StoreUnsafe(ref ds, j);
            }
        }
        for (; j < n; j++)
        {
            float s = 0f;
            for (nuint r = j; r < end; r += n) s += Unsafe.Add(ref xs, r);
            ref float d = ref Unsafe.Add(ref ds, j);
            d = accumulate ? d + s : s;
        }
    }
}
