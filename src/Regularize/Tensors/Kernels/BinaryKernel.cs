namespace Regularize.Tensors.Kernels;

/// <summary>
/// The one loop behind every broadcasting binary op: after coalescing axes, the innermost run is handed to the
/// operator's span form (span⊕span, span⊕scalar or scalar⊕span), and an odometer walks the outer axes.
/// </summary>
internal static class BinaryKernel
{
    public static void Run<TOp>(Tensor a, Tensor b, Tensor destination)
        where TOp : struct, IBinaryOperator
    {
        ReadOnlySpan<float> x = a.Span, y = b.Span;
        Span<float> d = destination.Span;
        if (a.Shape == b.Shape)
        {
            TOp.Invoke(x, y, d);
            return;
        }
        if (b.Length == 1 && a.Length == d.Length)
        {
            TOp.Invoke(x, y[0], d);
            return;
        }
        if (a.Length == 1 && b.Length == d.Length)
        {
            TOp.Invoke(x[0], y, d);
            return;
        }

        // A trailing-axes broadcast ([R, C] with [C], the bias add): one span-span op per row, nothing allocated.
        if (a.Length == d.Length && IsSuffix(b.Shape, a.Shape))
        {
            for (int r = 0; r < d.Length; r += y.Length) TOp.Invoke(x.Slice(r, y.Length), y, d.Slice(r, y.Length));
            return;
        }
        if (b.Length == d.Length && IsSuffix(a.Shape, b.Shape))
        {
            for (int r = 0; r < d.Length; r += x.Length) TOp.Invoke(x, y.Slice(r, x.Length), d.Slice(r, x.Length));
            return;
        }

        var shape = destination.Shape;
        var (sizes, sa, sb) = Broadcast.Coalesce(shape, Broadcast.Strides(a.Shape, shape), Broadcast.Strides(b.Shape, shape));
        int rank = sizes.Length;
        int inner = sizes[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1];
        Span<int> index = stackalloc int[rank];
        int offA = 0, offB = 0, offD = 0;
        int total = destination.Length;
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

    /// <summary>True when <paramref name="small"/>, ignoring leading 1s, equals the trailing axes of <paramref name="large"/>.</summary>
    internal static bool IsSuffix(Shape small, Shape large)
    {
        int lead = 0;
        while (lead < small.Rank && small[lead] == 1) lead++;
        int n = small.Rank - lead;
        if (n > large.Rank) return false;
        for (int i = 0; i < n; i++)
        {
            if (small[lead + i] != large[large.Rank - n + i]) return false;
        }
        return true;
    }
}
