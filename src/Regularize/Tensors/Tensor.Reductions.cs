using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>Splits the shape around <paramref name="axis"/> into (outer, n, inner) for a row-major walk.</summary>
    internal (int Outer, int N, int Inner) AxisSplit(int axis, string op)
    {
        int a = NormalizeAxis(axis, op);
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= Shape[i];
        for (int i = a + 1; i < Rank; i++) inner *= Shape[i];
        return (outer, Shape[a], inner);
    }

    internal int NormalizeAxis(int axis, string op)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (Rank == 0 || (uint)a >= (uint)Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for shape {Shape}.");
        }
        return a;
    }

    /// <summary>The shape after reducing <paramref name="axis"/>: kept as size 1, or removed.</summary>
    internal Shape ReducedShape(int axis, bool keepDims)
    {
        var dims = new List<int>(Shape.ToArray());
        if (keepDims) dims[axis] = 1;
        else dims.RemoveAt(axis);
        return new Shape(dims.ToArray());
    }

    /// <summary>The sum of all elements, as a rank-0 tensor.</summary>
    public Tensor Sum()
    {
        var y = Scalar(TensorPrimitives.Sum(Span));
        Engine.Record(y, "Sum", Derivatives.SumAll, this);
        return y;
    }

    /// <summary>The mean of all elements, as a rank-0 tensor.</summary>
    public Tensor Mean()
    {
        var y = Scalar(TensorPrimitives.Sum(Span) / Length);
        Engine.Record(y, "Mean", Derivatives.MeanAll, this);
        return y;
    }

    /// <summary>Sums over <paramref name="axis"/> (negative counts from the end), keeping it as size 1 when <paramref name="keepDims"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public Tensor Sum(int axis, bool keepDims = false)
    {
        int a = NormalizeAxis(axis, "Sum");
        var y = SumAxisNoGrad(a, keepDims);
        var node = Engine.Record(y, "Sum", Derivatives.SumAxis, this);
        if (node is not null)
        {
            node.Axis = a;
        }
        return y;
    }

    /// <summary>Averages over <paramref name="axis"/>, keeping it as size 1 when <paramref name="keepDims"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public Tensor Mean(int axis, bool keepDims = false)
    {
        int a = NormalizeAxis(axis, "Mean");
        var y = SumAxisNoGrad(a, keepDims);
        TensorPrimitives.Multiply(y.Span, 1f / Shape[a], y.Span);
        var node = Engine.Record(y, "Mean", Derivatives.MeanAxis, this);
        if (node is not null)
        {
            node.Axis = a;
        }
        return y;
    }

    internal Tensor SumAxisNoGrad(int axis, bool keepDims)
    {
        var (outer, n, inner) = AxisSplit(axis, "Sum");
        var y = ZerosTemp(ReducedShape(axis, keepDims));
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) d[o] = TensorPrimitives.Sum(x.Slice(o * n, n));
        }
        else
        {
            for (int o = 0; o < outer; o++)
            {
                var acc = d.Slice(o * inner, inner);
                for (int j = 0; j < n; j++) TensorPrimitives.Add(acc, x.Slice((o * n + j) * inner, inner), acc);
            }
        }
        return y;
    }

    /// <summary>The largest element (NaN if any is NaN), as a rank-0 tensor. Its gradient is shared equally among tied maxima, as PyTorch.</summary>
    public Tensor Max()
    {
        var y = Scalar(TensorPrimitives.Max(Span));
        var node = Engine.Record(y, "Max", Derivatives.MaxAll, this);
        if (node is not null)
        {
            node.Saved = this;
            node.Saved2 = y;
        }
        return y;
    }

    /// <summary>The maximum over <paramref name="axis"/>; the gradient flows to the first maximal element of each slice.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public Tensor Max(int axis, bool keepDims = false) => MaxAlong(axis, keepDims, out _);

    private Tensor MaxAlong(int axis, bool keepDims, out int[] indices)
    {
        int a = NormalizeAxis(axis, "Max");
        indices = ArgMaxCore(a);
        var y = Empty(ReducedShape(a, keepDims));
        var (outer, n, inner) = AxisSplit(a, "Max");
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < inner; k++) d[o * inner + k] = x[(o * n + indices[o * inner + k]) * inner + k];
        }
        var node = Engine.Record(y, "Max", Derivatives.MaxAxis, this);
        if (node is not null)
        {
            node.Axis = a;
            node.Indices = indices;
        }
        return y;
    }

    /// <summary>
    /// The maximum of each slice along <paramref name="axis"/> together with its index, as <c>torch.max(x, dim)</c>:
    /// the indices (one per slice, in row-major order of the result) are those of the first maximal element (of
    /// the first NaN, if any), and the gradient flows to that element only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public (Tensor Values, int[] Indices) MaxWithIndices(int axis, bool keepDims = false)
    {
        var values = MaxAlong(axis, keepDims, out var indices);
        return (values, (int[])indices.Clone()); // a copy: the recorded node keeps its own
    }

    /// <summary>
    /// Sums over every axis in <paramref name="axes"/> at once (negative axes count from the end), as
    /// <c>torch.sum(x, dim=axes, keepdim=keepDims)</c>; reduced axes are kept as size 1 when <paramref name="keepDims"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An axis is out of range or repeated, or no axis is given; the message names the shape.</exception>
    public Tensor Sum(int[] axes, bool keepDims = false) => ReduceAxes(axes, keepDims, "Sum");

    /// <summary>
    /// Averages over every axis in <paramref name="axes"/> at once, as <c>torch.mean(x, dim=axes, keepdim=keepDims)</c>:
    /// the sum divided by the product of the reduced sizes.
    /// </summary>
    /// <exception cref="ArgumentException">An axis is out of range or repeated, or no axis is given; the message names the shape.</exception>
    public Tensor Mean(int[] axes, bool keepDims = false) => ReduceAxes(axes, keepDims, "Mean");

    /// <summary>
    /// The maximum over every axis in <paramref name="axes"/> at once, as <c>torch.amax(x, dim=axes, keepdim=keepDims)</c>
    /// (NaN if a slice holds NaN). As in <c>amax</c>, the gradient is shared equally among the tied maxima of each slice;
    /// <see cref="Max(int, bool)"/> (as <c>torch.max(x, dim)</c>) sends it to the first one instead.
    /// </summary>
    /// <exception cref="ArgumentException">An axis is out of range or repeated, or no axis is given; the message names the shape.</exception>
    public Tensor Max(int[] axes, bool keepDims = false) => ReduceAxes(axes, keepDims, "Max");

    private Tensor ReduceAxes(int[] axes, bool keepDims, string op)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var sorted = NormalizeAxes(axes, op);
        var kept = Shape.ToArray();
        foreach (int a in sorted) kept[a] = 1;
        var keptShape = new Shape(kept);
        var resultShape = keepDims ? keptShape : new Shape(Enumerable.Range(0, Rank).Where(i => Array.IndexOf(sorted, i) < 0).Select(i => Shape[i]).ToArray());

        // Reduce from the last axis to the first with keepDims, so the remaining axis numbers stay valid.
        var t = this;
        for (int i = sorted.Length - 1; i >= 0; i--)
        {
            t = op == "Max" ? t.MaxAxisNoGrad(sorted[i]) : t.SumAxisNoGrad(sorted[i], keepDims: true);
        }
        int count = 1;
        foreach (int a in sorted) count *= Shape[a];
        if (op == "Mean") TensorPrimitives.Multiply(t.Span, 1f / count, t.Span);
        var y = t.ViewAs(resultShape);

        BackwardRule rule = op switch { "Sum" => Derivatives.SumAxes, "Mean" => Derivatives.MeanAxes, _ => Derivatives.MaxAxes };
        var node = Engine.Record(y, op, rule, this);
        if (node is not null)
        {
            node.Axes = sorted;
            node.Scalar = count;
            if (op == "Max") node.Saved = y.ViewAs(keptShape);
        }
        return y;
    }

    /// <summary>The axes normalised (negative counted from the end), checked for range and repeats, and sorted.</summary>
    internal int[] NormalizeAxes(int[] axes, string op)
    {
        if (axes.Length == 0)
        {
            throw new ArgumentException($"{op}: no axes given for shape {Shape}; call {op}() to reduce every element.", nameof(axes));
        }
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i] < 0 ? axes[i] + Rank : axes[i];
            if ((uint)a >= (uint)Rank)
            {
                throw new ArgumentException($"{op}: axis {axes[i]} is out of range for shape {Shape}.", nameof(axes));
            }
            if (Array.IndexOf(result, a, 0, i) >= 0)
            {
                throw new ArgumentException($"{op}: axis {axes[i]} appears twice in [{string.Join(", ", axes)}] (shape {Shape}).", nameof(axes));
            }
            result[i] = a;
        }
        Array.Sort(result);
        return result;
    }

    /// <summary>The maximum along one axis, kept as size 1 (NaN if the slice holds NaN), without recording.</summary>
    internal Tensor MaxAxisNoGrad(int axis)
    {
        var (outer, n, inner) = AxisSplit(axis, "Max");
        var indices = ArgMaxCore(axis);
        var y = Empty(ReducedShape(axis, keepDims: true));
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < inner; k++) d[o * inner + k] = x[(o * n + indices[o * inner + k]) * inner + k];
        }
        return y;
    }

    /// <summary>The flat index of the first largest element (of the first NaN, if any).</summary>
    public int ArgMax() => TensorPrimitives.IndexOfMax(Span);

    /// <summary>
    /// Indices of the first maximal element along <paramref name="axis"/>, one per slice, in row-major order of the
    /// remaining axes (for a <c>[N, C]</c> tensor and axis −1: one class index per row). Not differentiable.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public int[] ArgMax(int axis) => ArgMaxCore(NormalizeAxis(axis, "ArgMax"));

    private int[] ArgMaxCore(int axis)
    {
        var (outer, n, inner) = AxisSplit(axis, "ArgMax");
        var result = new int[outer * inner];
        ReadOnlySpan<float> x = Span;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) result[o] = TensorPrimitives.IndexOfMax(x.Slice(o * n, n));
            return result;
        }
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < inner; k++)
            {
                int best = 0;
                float bestValue = x[o * n * inner + k];
                for (int j = 1; j < n && !float.IsNaN(bestValue); j++)
                {
                    float v = x[(o * n + j) * inner + k];
                    if (v > bestValue || float.IsNaN(v))
                    {
                        best = j;
                        bestValue = v;
                    }
                }
                result[o * inner + k] = best;
            }
        }
        return result;
    }

    /// <summary>Softmax over the last axis, computed stably as <c>exp(x − max) / Σ exp(x − max)</c>.</summary>
    /// <exception cref="InvalidOperationException">The tensor is rank 0.</exception>
    public Tensor Softmax()
    {
        RequireRank1("Softmax");
        return Softmax(-1);
    }

    /// <summary>
    /// Softmax over <paramref name="axis"/> (negative counts from the end), as <c>torch.softmax(x, dim)</c>: every
    /// slice along the axis becomes <c>exp(x − max) / Σ exp(x − max)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public Tensor Softmax(int axis)
    {
        int a = NormalizeAxis(axis, "Softmax");
        var y = Empty(Shape);
        var (outer, n, inner) = AxisSplit(a, "Softmax");
        SoftmaxCore(Span, y.Span, outer, n, inner, log: false);
        var node = Engine.Record(y, "Softmax", Derivatives.Softmax, this);
        if (node is not null)
        {
            node.Saved = y;
            node.Axis = a;
        }
        return y;
    }

    /// <summary>Log-softmax over the last axis, computed stably as <c>x − max − log Σ exp(x − max)</c>.</summary>
    /// <exception cref="InvalidOperationException">The tensor is rank 0.</exception>
    public Tensor LogSoftmax()
    {
        RequireRank1("LogSoftmax");
        return LogSoftmax(-1);
    }

    /// <summary>
    /// Log-softmax over <paramref name="axis"/> (negative counts from the end), as <c>torch.log_softmax(x, dim)</c>:
    /// every slice along the axis becomes <c>x − max − log Σ exp(x − max)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range; the message names the shape.</exception>
    public Tensor LogSoftmax(int axis)
    {
        int a = NormalizeAxis(axis, "LogSoftmax");
        var y = Empty(Shape);
        var (outer, n, inner) = AxisSplit(a, "LogSoftmax");
        SoftmaxCore(Span, y.Span, outer, n, inner, log: true);
        var node = Engine.Record(y, "LogSoftmax", Derivatives.LogSoftmax, this);
        if (node is not null)
        {
            node.Saved = y;
            node.Axis = a;
        }
        return y;
    }

    /// <summary>
    /// (Log-)softmax of each slice of length <paramref name="n"/> and stride <paramref name="inner"/>. Contiguous slices
    /// (inner = 1) are done one row at a time; strided ones a block [n, inner] at a time, with the running max and
    /// sum kept for all <paramref name="inner"/> slices at once, so every pass is still over contiguous memory.
    /// </summary>
    private static void SoftmaxCore(ReadOnlySpan<float> x, Span<float> d, int outer, int n, int inner, bool log)
    {
        if (inner == 1)
        {
            for (int r = 0; r < outer; r++)
            {
                var xr = x.Slice(r * n, n);
                var dr = d.Slice(r * n, n);
                float max = TensorPrimitives.Max(xr);
                TensorPrimitives.Subtract(xr, max, dr);
                TensorPrimitives.Exp(dr, dr);
                if (log)
                {
                    float logSum = MathF.Log(TensorPrimitives.Sum(dr));
                    TensorPrimitives.Subtract(xr, max, dr);
                    TensorPrimitives.Subtract(dr, logSum, dr);
                }
                else
                {
                    TensorPrimitives.Multiply(dr, 1f / TensorPrimitives.Sum(dr), dr);
                }
            }
            return;
        }
        if (n == 0) return;
        var buffer = System.Buffers.ArrayPool<float>.Shared.Rent(2 * inner);
        try
        {
            var max = buffer.AsSpan(0, inner);
            var sum = buffer.AsSpan(inner, inner);
            for (int o = 0; o < outer; o++)
            {
                var xb = x.Slice(o * n * inner, n * inner);
                var db = d.Slice(o * n * inner, n * inner);
                xb.Slice(0, inner).CopyTo(max);
                for (int j = 1; j < n; j++) TensorPrimitives.Max(max, xb.Slice(j * inner, inner), max);
                sum.Clear();
                for (int j = 0; j < n; j++)
                {
                    var dj = db.Slice(j * inner, inner);
                    TensorPrimitives.Subtract(xb.Slice(j * inner, inner), max, dj);
                    TensorPrimitives.Exp(dj, dj);
                    TensorPrimitives.Add(sum, dj, sum);
                }
                if (log)
                {
                    TensorPrimitives.Log(sum, sum);
                    for (int j = 0; j < n; j++)
                    {
                        var dj = db.Slice(j * inner, inner);
                        TensorPrimitives.Subtract(xb.Slice(j * inner, inner), max, dj);
                        TensorPrimitives.Subtract(dj, sum, dj);
                    }
                }
                else
                {
                    TensorPrimitives.Reciprocal(sum, sum);
                    for (int j = 0; j < n; j++)
                    {
                        var dj = db.Slice(j * inner, inner);
                        TensorPrimitives.Multiply(dj, sum, dj);
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private void RequireRank1(string op)
    {
        if (Rank == 0) throw new InvalidOperationException($"{op} needs a tensor of rank 1 or more, but the shape is {Shape}.");
    }
}
