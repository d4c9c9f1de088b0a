using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

/// <summary>
/// NumPy broadcasting: shapes are aligned at their last axis; two sizes are compatible when they are equal
/// or one of them is 1; a missing leading axis counts as size 1.
/// </summary>
internal static class Broadcast
{
    /// <summary>The broadcast result shape of <paramref name="a"/> and <paramref name="b"/>, or an exception naming the op and both shapes.</summary>
    public static Shape ResultShape(Shape a, Shape b, string op)
    {
        if (a == b) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException(
                    $"{op}: shapes {a} and {b} cannot be broadcast: axis {i} has sizes {da} and {db}.");
            }
            dims[i] = Math.Max(da, db);
        }
        return new Shape(dims);
    }

    /// <summary>Row-major strides of <paramref name="shape"/> seen in the axes of <paramref name="result"/>, with 0 on broadcast axes.</summary>
    public static int[] Strides(Shape shape, Shape result)
    {
        int rank = result.Rank;
        var strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int j = i - (rank - shape.Rank);
            int d = j >= 0 ? shape[j] : 1;
            strides[i] = d == 1 && result[i] != 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }

    /// <summary>
    /// Merges adjacent axes that both operands traverse contiguously (or both broadcast), so that the
    /// innermost loop is as long as possible. Returns the coalesced sizes and strides.
    /// </summary>
    public static (int[] Sizes, int[] StridesA, int[] StridesB) Coalesce(Shape result, int[] sa, int[] sb)
    {
        var sizes = new List<int>(result.Rank);
        var la = new List<int>(result.Rank);
        var lb = new List<int>(result.Rank);
        for (int i = 0; i < result.Rank; i++)
        {
            int n = result[i];
            if (n == 1) continue;
            int k = sizes.Count - 1;
            if (k >= 0 && la[k] == sa[i] * n && lb[k] == sb[i] * n)
            {
                sizes[k] *= n;
                la[k] = sa[i];
                lb[k] = sb[i];
            }
            else
            {
                sizes.Add(n);
                la.Add(sa[i]);
                lb.Add(sb[i]);
            }
        }
        if (sizes.Count == 0)
        {
            sizes.Add(1);
            la.Add(1);
            lb.Add(1);
        }
        return (sizes.ToArray(), la.ToArray(), lb.ToArray());
    }

    /// <summary>
    /// <paramref name="destination"/> = <paramref name="a"/> ⊕ <paramref name="b"/> with broadcasting, where
    /// <paramref name="destination"/> already has the broadcast shape: picks the kernel case from the shapes.
    /// </summary>
    public static void Apply<TOp>(Tensor a, Tensor b, Tensor destination)
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
            BinaryKernel.RowsRight<TOp>(x, y, d);
            return;
        }
        if (b.Length == d.Length && IsSuffix(a.Shape, b.Shape))
        {
            BinaryKernel.RowsLeft<TOp>(x, y, d);
            return;
        }

        var shape = destination.Shape;
        var (sizes, sa, sb) = Coalesce(shape, Strides(a.Shape, shape), Strides(b.Shape, shape));
        BinaryKernel.Strided<TOp>(x, y, d, sizes, sa, sb);
    }

    /// <summary>True when <paramref name="small"/>, ignoring leading 1s, equals the trailing axes of <paramref name="large"/>.</summary>
    public static bool IsSuffix(Shape small, Shape large)
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
