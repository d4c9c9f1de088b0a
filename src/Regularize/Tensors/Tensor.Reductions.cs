using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Regularize.Autograd;

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
    public Tensor Max(int axis, bool keepDims = false)
    {
        int a = NormalizeAxis(axis, "Max");
        var indices = ArgMaxCore(a);
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
    public Tensor Softmax()
    {
        RequireRank1("Softmax");
        var y = Empty(Shape);
        int n = Shape[-1], rows = Length / n;
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * n, n);
            var dr = d.Slice(r * n, n);
            TensorPrimitives.Subtract(xr, TensorPrimitives.Max(xr), dr);
            TensorPrimitives.Exp(dr, dr);
            TensorPrimitives.Multiply(dr, 1f / TensorPrimitives.Sum(dr), dr);
        }
        var node = Engine.Record(y, "Softmax", Derivatives.Softmax, this);
        if (node is not null) node.Saved = y;
        return y;
    }

    /// <summary>Log-softmax over the last axis, computed stably as <c>x − max − log Σ exp(x − max)</c>.</summary>
    public Tensor LogSoftmax()
    {
        RequireRank1("LogSoftmax");
        var y = Empty(Shape);
        int n = Shape[-1], rows = Length / n;
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * n, n);
            var dr = d.Slice(r * n, n);
            float max = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, max, dr);
            TensorPrimitives.Exp(dr, dr);
            float logSum = MathF.Log(TensorPrimitives.Sum(dr));
            TensorPrimitives.Subtract(xr, max, dr);
            TensorPrimitives.Subtract(dr, logSum, dr);
        }
        var node = Engine.Record(y, "LogSoftmax", Derivatives.LogSoftmax, this);
        if (node is not null) node.Saved = y;
        return y;
    }

    private void RequireRank1(string op)
    {
        if (Rank == 0) throw new InvalidOperationException($"{op} needs a tensor of rank 1 or more, but the shape is {Shape}.");
    }
}
