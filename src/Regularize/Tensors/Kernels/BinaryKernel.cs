namespace Regularize.Tensors.Kernels;

/// <summary>
/// The loops behind every broadcasting binary op, on spans only: the caller (<c>Broadcast.Apply</c> in
/// <c>Regularize.Tensors</c>) picks the case from the shapes; after coalescing axes, the innermost run is handed to
/// the operator's span form (span⊕span, span⊕scalar or scalar⊕span), and an odometer walks the outer axes.
/// </summary>
internal static class BinaryKernel
{
    /// <summary><paramref name="y"/> (one row) is repeated along <paramref name="x"/> and <paramref name="d"/>: the bias add.</summary>
    public static void RowsRight<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
        where TOp : struct, IBinaryOperator
    {
        for (int r = 0; r < d.Length; r += y.Length) TOp.Invoke(x.Slice(r, y.Length), y, d.Slice(r, y.Length));
    }

    /// <summary><paramref name="x"/> (one row) is repeated along <paramref name="y"/> and <paramref name="d"/>.</summary>
    public static void RowsLeft<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
        where TOp : struct, IBinaryOperator
    {
        for (int r = 0; r < d.Length; r += x.Length) TOp.Invoke(x, y.Slice(r, x.Length), d.Slice(r, x.Length));
    }

    /// <summary>
    /// The general case over coalesced axes: <paramref name="sizes"/> are the result's axis lengths and
    /// <paramref name="sa"/>, <paramref name="sb"/> the operands' strides along them (0 on a broadcast axis).
    /// </summary>
    public static void Strided<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d,
        ReadOnlySpan<int> sizes, ReadOnlySpan<int> sa, ReadOnlySpan<int> sb)
        where TOp : struct, IBinaryOperator
    {
        int rank = sizes.Length;
        int inner = sizes[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1];
        Span<int> index = stackalloc int[rank];
        int offA = 0, offB = 0, offD = 0;
        int total = d.Length;
        while (offD < total)
        {
            var dRun = d.Slice(offD, inner);
            if (ia == 1 && ib == 1) TOp.Invoke(x.Slice(offA, inner), y.Slice(offB, inner), dRun);
            else if (ia == 1) TOp.Invoke(x.Slice(offA, inner), y[offB], dRun);
            else if (ib == 1) TOp.Invoke(x[offA], y.Slice(offB, inner), dRun);
            else dRun.Fill(TOp.Invoke(x[offA], y[offB]));
            offD += inner;

            // Advance the odometer over the outer axes.
            for (int axis = rank - 2; axis >= 0; axis--)
            {
                offA += sa[axis];
                offB += sb[axis];
                if (++index[axis] < sizes[axis]) break;
                offA -= sa[axis] * sizes[axis];
                offB -= sb[axis] * sizes[axis];
                index[axis] = 0;
            }
        }
    }
}
