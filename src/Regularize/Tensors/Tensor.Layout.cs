
namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must agree.</summary>
    /// <exception cref="ArgumentException">The list is empty, or the shapes disagree; the message names them.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat needs at least one tensor.", nameof(tensors));
        var first = tensors[0];
        int a = first.NormalizeAxis(axis, "Concat");
        int total = 0;
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            bool ok = t.Rank == first.Rank;
            for (int i = 0; ok && i < t.Rank; i++) ok = i == a || t.Shape[i] == first.Shape[i];
            if (!ok)
            {
                throw new ArgumentException(
                    $"Concat along axis {a}: shapes {string.Join(", ", tensors.Select(x => x.Shape.ToString()))} differ outside that axis.");
            }
            total += t.Shape[a];
        }
        var dims = first.Shape.ToArray();
        dims[a] = total;
        var y = Empty(new Shape(dims));
        var (outer, _, inner) = y.AxisSplit(a, "Concat");
        Span<float> d = y.Span;
        int offset = 0;
        foreach (var t in tensors)
        {
            int run = t.Shape[a] * inner;
            ReadOnlySpan<float> x = t.Span;
            for (int o = 0; o < outer; o++) x.Slice(o * run, run).CopyTo(d.Slice(o * total * inner + offset, run));
            offset += run;
        }
        var node = Engine.Record(y, "Concat", Derivatives.Concat, tensors.ToArray());
        if (node is not null) node.Axis = a;
        return y;
    }

    /// <summary>
    /// For a 2-D tensor <c>[N, C]</c>, the <c>[N]</c> tensor whose element i is <c>x[i, indices[i]]</c>
    /// (picking each row's target class, as negative log-likelihood losses do).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not 2-D, there is not one index per row, or an index is out of range.</exception>
    public Tensor Gather(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (Rank != 2) throw new ArgumentException($"Gather needs a 2-D tensor, but the shape is {Shape}.");
        int n = Shape[0], c = Shape[1];
        if (indices.Length != n)
        {
            throw new ArgumentException($"Gather: {indices.Length} indices for a {Shape} tensor; expected one per row ({n}).", nameof(indices));
        }
        var y = Empty(new Shape(n));
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        for (int i = 0; i < n; i++)
        {
            int j = indices[i];
            if ((uint)j >= (uint)c)
            {
                throw new ArgumentException($"Gather: index {j} at row {i} is outside [0, {c}) for a {Shape} tensor.", nameof(indices));
            }
            d[i] = x[i * c + j];
        }
        var node = Engine.Record(y, "Gather", Derivatives.Gather, this);
        if (node is not null) node.Indices = (int[])indices.Clone();
        return y;
    }
}
