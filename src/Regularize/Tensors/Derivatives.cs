using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

/// <summary>
/// Every derivative rule, one per primitive, in one place. A rule receives g = dL/dy for the op's output y and
/// hands each input its share dL/dx through <see cref="Node.Propagate"/>, which adds it to what other paths give.
/// Rules run with recording off. For a broadcast operand, the share is summed back to the operand's shape.
/// </summary>
internal static class Derivatives
{
    // y = a + b:  da = g, db = g
    public static void Add(Node n, Tensor g)
    {
        ShareOf(n, 0, g);
        ShareOf(n, 1, g);
    }

    /// <summary>
    /// Hands input <paramref name="index"/> its share g, summed back to its shape. A leaf broadcast over leading rows
    /// (a bias) gets the column sums of g added straight into its gradient, in one pass.
    /// </summary>
    private static void ShareOf(Node n, int index, Tensor g)
    {
        var input = n.Inputs![index];
        if (!input.RequiresGrad) return;
        if (input.Shape != g.Shape && IsRowBroadcast(input.Shape, g.Shape))
        {
            var target = n.LeafGradient(index, g, null, out bool accumulate);
            if (target is not null)
            {
                ColumnSumKernel.Invoke(g.Span, target.Span, accumulate);
                return;
            }
        }
        n.Propagate(index, SumTo(g, input.Shape));
    }

    // y = a − b:  da = g, db = −g
    public static void Subtract(Node n, Tensor g)
    {
        n.Propagate(0, SumTo(g, n.Inputs![0].Shape));
        if (n.Inputs![1].RequiresGrad) n.Propagate(1, SumTo(g.Negate(), n.Inputs![1].Shape));
    }

    // y = a·b:  da = g·b, db = g·a
    public static void Multiply(Node n, Tensor g)
    {
        var (a, b) = (n.Inputs![0], n.Inputs![1]);
        if (a.RequiresGrad) n.Propagate(0, SumTo(g * b, a.Shape));
        if (b.RequiresGrad) n.Propagate(1, SumTo(g * a, b.Shape));
    }

    // y = a/b:  da = g/b, db = −g·a/b²
    public static void Divide(Node n, Tensor g)
    {
        var (a, b) = (n.Inputs![0], n.Inputs![1]);
        if (a.RequiresGrad) n.Propagate(0, SumTo(g / b, a.Shape));
        if (b.RequiresGrad) n.Propagate(1, SumTo((g * a / (b * b)).Negate(), b.Shape));
    }

    // y = max(a, b): g goes to a where a ≥ b, else to b
    public static void Maximum(Node n, Tensor g) => Select(n, g, static (a, b) => a >= b);

    // y = min(a, b): g goes to a where a ≤ b, else to b
    public static void Minimum(Node n, Tensor g) => Select(n, g, static (a, b) => a <= b);

    private static void Select(Node n, Tensor g, Func<float, float, bool> toA)
    {
        var (a, b) = (n.Inputs![0], n.Inputs![1]);
        var shape = g.Shape;
        var ab = Expand(a, shape);
        var bb = Expand(b, shape);
        var ga = Tensor.ZerosTemp(shape);
        var gb = Tensor.ZerosTemp(shape);
        ReadOnlySpan<float> gs = g.Span, xa = ab.Span, xb = bb.Span;
        Span<float> da = ga.Span, db = gb.Span;
        for (int i = 0; i < gs.Length; i++)
        {
            if (toA(xa[i], xb[i])) da[i] = gs[i];
            else db[i] = gs[i];
        }
        n.Propagate(0, SumTo(ga, a.Shape));
        n.Propagate(1, SumTo(gb, b.Shape));
    }

    // y = −x:  dx = −g
    public static void Negate(Node n, Tensor g) => n.Propagate(0, g.Negate());

    // y = eˣ:  dx = g·y
    public static void Exp(Node n, Tensor g) => n.Propagate(0, g * n.Saved!);

    // y = ln x:  dx = g/x
    public static void Log(Node n, Tensor g) => n.Propagate(0, g / n.Saved!);

    // y = √x:  dx = g/(2y)
    public static void Sqrt(Node n, Tensor g) => n.Propagate(0, g / (n.Saved! * 2f));

    // y = |x|:  dx = g·sign(x)
    public static void Abs(Node n, Tensor g) => n.Propagate(0, g * n.Saved!.Sign());

    // y = sign(x) (or any piecewise-constant op):  dx = 0
    public static void ZeroGrad(Node n, Tensor g) => n.Propagate(0, Tensor.ZerosTemp(g.Shape));

    // y = x²:  dx = 2x·g
    public static void Square(Node n, Tensor g) => n.Propagate(0, g * n.Saved! * 2f);

    // y = xᵖ:  dx = p·xᵖ⁻¹·g
    public static void Pow(Node n, Tensor g) => n.Propagate(0, g * n.Saved!.Pow(n.Scalar - 1f) * n.Scalar);

    // y = tanh x:  dx = g·(1 − y²)
    public static void Tanh(Node n, Tensor g) => n.Propagate(0, g * (1f - n.Saved!.Square()));

    // y = σ(x):  dx = g·y·(1 − y)
    public static void Sigmoid(Node n, Tensor g) => n.Propagate(0, g * n.Saved! * (1f - n.Saved!));

    // y = max(x, 0):  dx = g where y > 0, else 0
    public static void Relu(Node n, Tensor g)
    {
        var dx = Tensor.Empty(g.Shape);
        ReluBackwardKernel.Invoke(n.Saved!.Span, g.Span, dx.Span);
        n.Propagate(0, dx);
    }

    // y = x·Φ(x):  dx = g·(Φ(x) + x·φ(x))
    public static void Gelu(Node n, Tensor g)
    {
        var dx = Tensor.Empty(g.Shape);
        ReadOnlySpan<float> x = n.Saved!.Span, gs = g.Span;
        Span<float> d = dx.Span;
        for (int i = 0; i < d.Length; i++) d[i] = gs[i] * GeluOperator.Derivative(x[i]);
        n.Propagate(0, dx);
    }

    // y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))):  dx = g·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²))
    public static void GeluTanh(Node n, Tensor g)
    {
        var dx = Tensor.Empty(g.Shape);
        ReadOnlySpan<float> x = n.Saved!.Span, gs = g.Span;
        Span<float> d = dx.Span;
        for (int i = 0; i < d.Length; i++) d[i] = gs[i] * GeluTanhOperator.Derivative(x[i]);
        n.Propagate(0, dx);
    }

    // y = clamp(x, lo, hi):  dx = g where lo ≤ x ≤ hi, else 0
    public static void Clamp(Node n, Tensor g)
    {
        var dx = Tensor.Empty(g.Shape);
        ReadOnlySpan<float> x = n.Saved!.Span, gs = g.Span;
        Span<float> d = dx.Span;
        float lo = n.Scalar, hi = n.Scalar2;
        for (int i = 0; i < d.Length; i++) d[i] = x[i] >= lo && x[i] <= hi ? gs[i] : 0f;
        n.Propagate(0, dx);
    }

    // y = Σx:  dx = g broadcast
    public static void SumAll(Node n, Tensor g) => n.Propagate(0, Tensor.FullTemp(n.Inputs![0].Shape, g.Item()));

    // y = mean x:  dx = g/N broadcast
    public static void MeanAll(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        n.Propagate(0, Tensor.FullTemp(x.Shape, g.Item() / x.Length));
    }

    // y = Σ_axis x:  dx = g broadcast back along the axis
    public static void SumAxis(Node n, Tensor g) => n.Propagate(0, ExpandAlong(g, n.Inputs![0].Shape, n.Axis, 1f));

    // y = mean_axis x:  dx = g/N_axis broadcast back along the axis
    public static void MeanAxis(Node n, Tensor g)
    {
        var shape = n.Inputs![0].Shape;
        n.Propagate(0, ExpandAlong(g, shape, n.Axis, 1f / shape[n.Axis]));
    }

    // y = max x:  dx = g/k at each of the k elements equal to the maximum
    public static void MaxAll(Node n, Tensor g)
    {
        var x = n.Saved!;
        float max = n.Saved2!.Item();
        var dx = Tensor.ZerosTemp(x.Shape);
        ReadOnlySpan<float> xs = x.Span;
        int ties = 0;
        foreach (float v in xs) if (v.Equals(max)) ties++;
        float share = ties == 0 ? 0f : g.Item() / ties;
        Span<float> d = dx.Span;
        for (int i = 0; i < d.Length; i++) if (xs[i].Equals(max)) d[i] = share;
        n.Propagate(0, dx);
    }

    // y = max_axis x:  dx = g at the recorded argmax of each slice
    public static void MaxAxis(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        var (outer, len, inner) = x.AxisSplit(n.Axis, "Max");
        var dx = Tensor.ZerosTemp(x.Shape);
        ReadOnlySpan<float> gs = g.Span;
        Span<float> d = dx.Span;
        int[] idx = n.Indices!;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < inner; k++)
                d[(o * len + idx[o * inner + k]) * inner + k] = gs[o * inner + k];
        n.Propagate(0, dx);
    }

    // y = Σ over several axes:  dx = g broadcast back over them
    public static void SumAxes(Node n, Tensor g) => n.Propagate(0, ExpandFromKept(g, n.Inputs![0].Shape, n.Axes!, 1f));

    // y = mean over several axes (N elements per slice):  dx = g/N broadcast back over them
    public static void MeanAxes(Node n, Tensor g) => n.Propagate(0, ExpandFromKept(g, n.Inputs![0].Shape, n.Axes!, 1f / n.Scalar));

    // y = amax over several axes:  dx = g/k at each of the k elements of a slice equal to its maximum (as torch.amax)
    public static void MaxAxes(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        var max = Expand(n.Saved!, x.Shape);
        var gk = ExpandFromKept(g, x.Shape, n.Axes!, 1f);
        var mask = Tensor.ZerosTemp(x.Shape);
        ReadOnlySpan<float> xs = x.Span, ms = max.Span;
        Span<float> mk = mask.Span;
        for (int i = 0; i < mk.Length; i++) if (xs[i].Equals(ms[i])) mk[i] = 1f;
        // k per slice, summed over the reduced axes and broadcast back.
        var t = mask;
        for (int i = n.Axes!.Length - 1; i >= 0; i--) t = t.SumAxisNoGrad(n.Axes[i], keepDims: true);
        var counts = Expand(t, x.Shape);
        var dx = gk;
        Span<float> d = dx.Span;
        ReadOnlySpan<float> cs = counts.Span;
        for (int i = 0; i < d.Length; i++) d[i] = mk[i] == 0f ? 0f : d[i] / cs[i];
        n.Propagate(0, dx);
    }

    // y = softmax(x) along an axis:  dx = y·(g − Σ_axis g·y)
    public static void Softmax(Node n, Tensor g)
    {
        var y = n.Saved!;
        var (outer, c, inner) = y.AxisSplit(n.Axis, "Softmax");
        var dx = Tensor.Empty(y.Shape);
        ReadOnlySpan<float> ys = y.Span, gs = g.Span;
        Span<float> d = dx.Span;
        if (inner == 1)
        {
            for (int r = 0; r < outer; r++)
            {
                var yr = ys.Slice(r * c, c);
                var dr = d.Slice(r * c, c);
                float dot = TensorPrimitives.Dot(gs.Slice(r * c, c), yr);
                TensorPrimitives.Subtract(gs.Slice(r * c, c), dot, dr);
                TensorPrimitives.Multiply(dr, yr, dr);
            }
        }
        else
        {
            var dot = new float[inner];
            for (int o = 0; o < outer; o++)
            {
                int block = o * c * inner;
                Array.Clear(dot);
                for (int j = 0; j < c; j++)
                {
                    var yj = ys.Slice(block + j * inner, inner);
                    var dj = d.Slice(block + j * inner, inner);
                    TensorPrimitives.Multiply(gs.Slice(block + j * inner, inner), yj, dj);
                    TensorPrimitives.Add(dot, dj, dot);
                }
                for (int j = 0; j < c; j++)
                {
                    var dj = d.Slice(block + j * inner, inner);
                    TensorPrimitives.Subtract(gs.Slice(block + j * inner, inner), dot, dj);
                    TensorPrimitives.Multiply(dj, ys.Slice(block + j * inner, inner), dj);
                }
            }
        }
        n.Propagate(0, dx);
    }

    // y = log softmax(x) along an axis:  dx = g − exp(y)·Σ_axis g
    public static void LogSoftmax(Node n, Tensor g)
    {
        var y = n.Saved!;
        var (outer, c, inner) = y.AxisSplit(n.Axis, "LogSoftmax");
        var dx = Tensor.Empty(y.Shape);
        ReadOnlySpan<float> ys = y.Span, gs = g.Span;
        Span<float> d = dx.Span;
        if (inner == 1)
        {
            for (int r = 0; r < outer; r++)
            {
                var dr = d.Slice(r * c, c);
                var gr = gs.Slice(r * c, c);
                float sum = TensorPrimitives.Sum(gr);
                TensorPrimitives.Exp(ys.Slice(r * c, c), dr);
                TensorPrimitives.Multiply(dr, -sum, dr);
                TensorPrimitives.Add(dr, gr, dr);
            }
        }
        else
        {
            var sum = new float[inner];
            for (int o = 0; o < outer; o++)
            {
                int block = o * c * inner;
                Array.Clear(sum);
                for (int j = 0; j < c; j++) TensorPrimitives.Add(sum, gs.Slice(block + j * inner, inner), sum);
                for (int j = 0; j < c; j++)
                {
                    var dj = d.Slice(block + j * inner, inner);
                    TensorPrimitives.Exp(ys.Slice(block + j * inner, inner), dj);
                    TensorPrimitives.Multiply(dj, sum, dj);
                    TensorPrimitives.Subtract(gs.Slice(block + j * inner, inner), dj, dj);
                }
            }
        }
        n.Propagate(0, dx);
    }

    /// <summary>Broadcasts a gradient of the reduced shape back over <paramref name="axes"/> of <paramref name="shape"/>, scaled.</summary>
    private static Tensor ExpandFromKept(Tensor g, Shape shape, int[] axes, float scale)
    {
        var dims = shape.ToArray();
        foreach (int a in axes) dims[a] = 1;
        var dx = Tensor.ZerosTemp(shape);
        Broadcast.Apply<AddOperator>(dx, g.ViewAs(new Shape(dims)), dx);
        if (scale != 1f) TensorPrimitives.Multiply(dx.Span, scale, dx.Span);
        return dx;
    }

    // y = op(A)·op(B):  d op(A) = g·op(B)ᵀ,  d op(B) = op(A)ᵀ·g, written back in each operand's stored layout
    public static void MatMul(Node n, Tensor g)
    {
        var (a, b) = (n.Saved!, n.Saved2!);
        bool ta = n.Flag, tb = n.Flag2;
        if (a.Rank == 2 && b.Rank == 2)
        {
            // A leaf's share (a weight's gradient) is accumulated into its gradient by the product itself (beta = 1).
            if (a.RequiresGrad)
            {
                if (!ta) GradProduct(n, 0, g, b, false, !tb); // dA = g·op(B)ᵀ
                else GradProduct(n, 0, b, g, tb, true); // A stored [k,m]: dA = op(B)·gᵀ
            }
            if (b.RequiresGrad)
            {
                if (tb) GradProduct(n, 1, g, a, true, ta); // B stored [n,k]: dB = gᵀ·op(A)
                else GradProduct(n, 1, a, g, !ta, false); // dB = op(A)ᵀ·g
            }
            return;
        }
        if (a.RequiresGrad)
        {
            var da = !ta ? Tensor.MatMul(g, b, transposeA: false, transposeB: !tb) // dA = g·op(B)ᵀ
                : a.Rank == 3 && b.Rank == 2 ? PerBatch(a, b, g, tb) // each batch's A stored [k,m] with b shared
                : Tensor.MatMul(b, g, transposeA: tb, transposeB: true); // A stored [k,m]: dA = op(B)·gᵀ
            n.Propagate(0, da);
        }
        if (b.RequiresGrad)
        {
            Tensor db;
            if (a.Rank == 3 && b.Rank == 2)
            {
                // b is shared across the batch: its gradient is the sum of the per-batch gradients.
                db = SharedOperandGrad(a, g, ta, tb);
            }
            else
            {
                db = tb ? Tensor.MatMul(g, a, transposeA: true, transposeB: ta) // B stored [n,k]: dB = gᵀ·op(A)
                        : Tensor.MatMul(a, g, transposeA: !ta, transposeB: false); // dB = op(A)ᵀ·g
            }
            n.Propagate(1, db);
        }
    }

    /// <summary>Input <paramref name="index"/>'s share op(x)·op(y): into its leaf gradient when it has one, else propagated.</summary>
    private static void GradProduct(Node n, int index, Tensor x, Tensor y, bool transposeX, bool transposeY)
    {
        var target = n.LeafGradient(index, x, y, out bool accumulate);
        if (target is null) n.Propagate(index, Tensor.MatMul(x, y, transposeX, transposeY));
        else Tensor.MatMulInto(x, y, transposeX, transposeY, target, accumulate);
    }

    private static Tensor PerBatch(Tensor a, Tensor b, Tensor g, bool tb)
    {
        int batch = a.Shape[0];
        var parts = new Tensor[batch];
        for (int i = 0; i < batch; i++)
        {
            parts[i] = Tensor.MatMul(b, g.Rows(i, 1).Reshape(g.Shape[1], g.Shape[2]), transposeA: tb, transposeB: true)
                .Reshape(1, a.Shape[1], a.Shape[2]);
        }
        return Tensor.Concat(parts);
    }

    private static Tensor SharedOperandGrad(Tensor a, Tensor g, bool ta, bool tb)
    {
        int batch = a.Shape[0];
        Tensor? sum = null;
        for (int i = 0; i < batch; i++)
        {
            var ai = a.Rows(i, 1).Reshape(a.Shape[1], a.Shape[2]);
            var gi = g.Rows(i, 1).Reshape(g.Shape[1], g.Shape[2]);
            var di = tb ? Tensor.MatMul(gi, ai, transposeA: true, transposeB: ta) : Tensor.MatMul(ai, gi, transposeA: !ta, transposeB: false);
            sum = sum is null ? di : sum + di;
        }
        return sum!;
    }

    // y = xᵀ:  dx = gᵀ
    public static void Transpose(Node n, Tensor g) => n.Propagate(0, g.TransposeNoGrad());

    // y = reshape(x):  dx = reshape(g) to x's shape
    public static void Reshape(Node n, Tensor g) => n.Propagate(0, g.ViewAs(n.Inputs![0].Shape));

    // y = x[start : start+count] (rows):  dx = g placed at those rows, zero elsewhere
    public static void Rows(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        var dx = Tensor.ZerosTemp(x.Shape);
        int rowLength = x.Length / x.Shape[0];
        g.Span.CopyTo(dx.Span.Slice(n.Axis * rowLength, g.Length));
        n.Propagate(0, dx);
    }

    // y = concat(x₀, x₁, …) along an axis:  dxᵢ = the matching slice of g
    public static void Concat(Node n, Tensor g)
    {
        var inputs = n.Inputs!;
        var (outer, total, inner) = g.AxisSplit(n.Axis, "Concat");
        ReadOnlySpan<float> gs = g.Span;
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            int run = inputs[i].Shape[n.Axis] * inner;
            if (inputs[i].RequiresGrad)
            {
                var dx = Tensor.Empty(inputs[i].Shape);
                Span<float> d = dx.Span;
                for (int o = 0; o < outer; o++) gs.Slice(o * total * inner + offset, run).CopyTo(d.Slice(o * run, run));
                n.Propagate(i, dx);
            }
            offset += run;
        }
    }

    // y[i] = x[i, idx[i]]:  dx[i, idx[i]] = g[i], zero elsewhere
    public static void Gather(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        int c = x.Shape[1];
        var dx = Tensor.ZerosTemp(x.Shape);
        Span<float> d = dx.Span;
        ReadOnlySpan<float> gs = g.Span;
        int[] idx = n.Indices!;
        for (int i = 0; i < idx.Length; i++) d[i * c + idx[i]] = gs[i];
        n.Propagate(0, dx);
    }

    // ---- Convolutional ops (NCHW) ----

    // y = conv(x, w) + b:  dx = col2im(W_gᵀ·g), dw = Σₙ g·colᵀ, db[o] = Σ_{n,i,j} g[n,o,i,j]
    public static void Conv2d(Node n, Tensor g)
    {
        var inputs = n.Inputs!;
        var (x, w) = (inputs[0], inputs[1]);
        var geometry = (Window2d)n.Context!;
        int groups = n.Axis, outChannels = w.Shape[0];
        var dx = x.RequiresGrad ? Tensor.Empty(x.Shape) : null;
        var dw = w.RequiresGrad ? Tensor.Empty(w.Shape) : null;
        var partials = dw is null ? null : Tensor.Empty(new Shape(Conv2dKernel.PartialLength(geometry, outChannels, groups)));
        if (dx is not null || dw is not null)
        {
            Conv2dKernel.Backward(geometry, outChannels, groups, x.Storage, x.Offset, w.Storage, w.Offset, g.Storage, g.Offset,
                dx?.Storage, dx?.Offset ?? 0, dw?.Storage, dw?.Offset ?? 0, partials?.Storage);
        }
        if (dx is not null) n.Propagate(0, dx);
        if (dw is not null) n.Propagate(1, dw);
        if (inputs.Length > 2 && inputs[2].RequiresGrad)
        {
            var db = Tensor.Empty(inputs[2].Shape);
            Span<float> d = db.Span;
            ReadOnlySpan<float> gs = g.Span;
            int ohw = geometry.OHW;
            for (int o = 0; o < outChannels; o++)
            {
                double sum = 0;
                for (int i = 0; i < geometry.N; i++) sum += TensorPrimitives.Sum(gs.Slice((i * outChannels + o) * ohw, ohw));
                d[o] = (float)sum;
            }
            n.Propagate(2, db);
        }
    }

    // y = max over each window:  dx = g at the window's first maximal tap, summed where windows overlap
    public static void MaxPool2d(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        var dx = Tensor.Empty(x.Shape);
        var indices = n.Saved!;
        MaxPool2dKernel.Backward((Window2d)n.Context!, g.Storage, g.Offset, indices.Storage, indices.Offset, dx.Storage, dx.Offset);
        n.Propagate(0, dx);
    }

    // y = window sum / divisor:  dx = g/divisor at every tap of the window inside the input, summed over windows
    public static void AvgPool2d(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        var dx = Tensor.Empty(x.Shape);
        AvgPool2dKernel.Backward((Window2d)n.Context!, n.Flag, g.Storage, g.Offset, dx.Storage, dx.Offset);
        n.Propagate(0, dx);
    }

    // y = mean of each adaptive window:  dx = g/|window| at every tap of the window, summed over windows
    public static void AdaptiveAvgPool2d(Node n, Tensor g)
    {
        var x = n.Inputs![0];
        var dx = Tensor.Empty(x.Shape);
        AdaptiveAvgPool2dKernel.Backward((Window2d)n.Context!, g.Storage, g.Offset, dx.Storage, dx.Offset);
        n.Propagate(0, dx);
    }

    // y = x̂·γ + β, x̂ = (x − μ)·r:  dβ = Σg, dγ = Σ g·x̂ per channel;
    // training (μ, r of the batch): dx = γ·r·(g − Σg/M − x̂·Σ(g·x̂)/M);  evaluation: dx = γ·r·g
    public static void BatchNorm(Node n, Tensor g)
    {
        var inputs = n.Inputs!;
        var x = inputs[0];
        bool hasWeight = (n.Axis & 1) != 0, hasBias = (n.Axis & 2) != 0;
        var weight = hasWeight ? inputs[1] : null;
        int biasIndex = hasWeight ? 2 : 1;
        int batch = x.Shape[0], c = x.Shape[1], s = x.Length / (batch * c);
        var dx = x.RequiresGrad ? Tensor.Empty(x.Shape) : null;
        var dGamma = weight is not null && weight.RequiresGrad ? Tensor.Empty(weight.Shape) : null;
        var dBeta = hasBias && inputs[biasIndex].RequiresGrad ? Tensor.Empty(inputs[biasIndex].Shape) : null;
        var stats = n.Saved!;
        BatchNormKernel.Backward(batch, c, s, n.Flag, x.Storage, x.Offset, weight?.Storage, weight?.Offset ?? 0,
            stats.Storage, stats.Offset, g.Storage, g.Offset, dx?.Storage, dx?.Offset ?? 0,
            dGamma is null ? null : dGamma.Storage, dBeta is null ? null : dBeta.Storage);
        if (dx is not null) n.Propagate(0, dx);
        if (dGamma is not null) n.Propagate(1, dGamma);
        if (dBeta is not null) n.Propagate(biasIndex, dBeta);
    }

    // y = (x − μ)·r·γ_c + β_c per (n, group) block of M values, r = 1/√(σ² + ε), x̂ = (x − μ)·r, ĝ = g·γ_c:
    // dβ_c = Σ_{n,s} g, dγ_c = Σ_{n,s} g·x̂, dx = r·(ĝ − Σĝ/M − x̂·Σ(ĝ·x̂)/M) with the sums over the block.
    public static void GroupNorm(Node n, Tensor g)
    {
        var inputs = n.Inputs!;
        var x = inputs[0];
        bool hasWeight = (n.Axis & 1) != 0, hasBias = (n.Axis & 2) != 0;
        var weight = hasWeight ? inputs[1] : null;
        int biasIndex = hasWeight ? 2 : 1;
        int batch = x.Shape[0], c = x.Shape[1], s = batch * c == 0 ? 0 : x.Length / (batch * c);
        var dx = x.RequiresGrad ? Tensor.Empty(x.Shape) : null;
        var dGamma = weight is not null && weight.RequiresGrad ? Tensor.Empty(weight.Shape) : null;
        var dBeta = hasBias && inputs[biasIndex].RequiresGrad ? Tensor.Empty(inputs[biasIndex].Shape) : null;
        var stats = n.Saved!;
        GroupNormKernel.Backward(batch, c, s, n.Indices![0], x.Storage, x.Offset, weight?.Storage, weight?.Offset ?? 0,
            stats.Storage, stats.Offset, g.Storage, g.Offset, dx?.Storage, dx?.Offset ?? 0,
            dGamma?.Storage, dGamma?.Offset ?? 0, dBeta?.Storage, dBeta?.Offset ?? 0);
        if (dx is not null) n.Propagate(0, dx);
        if (dGamma is not null) n.Propagate(1, dGamma);
        if (dBeta is not null) n.Propagate(biasIndex, dBeta);
    }

    // ---- end of convolutional ops ----

    /// <summary>
    /// True when an operand of <paramref name="shape"/> was repeated along a single leading axis of
    /// <paramref name="result"/> (a bias over rows): summing it back is then a column sum over the rows in order,
    /// the same additions as <see cref="SumTo"/> makes.
    /// </summary>
    private static bool IsRowBroadcast(Shape shape, Shape result)
    {
        if (!Broadcast.IsSuffix(shape, result)) return false;
        int trailing = shape.Rank;
        while (trailing > 0 && shape[shape.Rank - trailing] == 1) trailing--;
        int repeated = 0;
        for (int i = 0; i < result.Rank - trailing; i++) if (result[i] > 1) repeated++;
        return repeated <= 1;
    }

    /// <summary>Sums <paramref name="g"/> over the axes along which an operand of <paramref name="shape"/> was broadcast.</summary>
    internal static Tensor SumTo(Tensor g, Shape shape)
    {
        if (g.Shape == shape) return g;
        var t = g;
        int lead = g.Rank - shape.Rank;
        for (int i = 0; i < lead; i++) t = t.SumAxisNoGrad(0, keepDims: false);
        for (int i = 0; i < shape.Rank; i++)
        {
            if (shape[i] == 1 && t.Shape[i] != 1) t = t.SumAxisNoGrad(i, keepDims: true);
        }
        return t.Shape == shape ? t : t.ViewAs(shape);
    }

    /// <summary><paramref name="x"/> materialised at the broadcast shape <paramref name="shape"/>.</summary>
    private static Tensor Expand(Tensor x, Shape shape)
    {
        if (x.Shape == shape) return x;
        var y = Tensor.ZerosTemp(shape);
        Broadcast.Apply<AddOperator>(y, x, y);
        return y;
    }

    /// <summary>Broadcasts a reduced gradient back along <paramref name="axis"/> of <paramref name="shape"/>, scaled.</summary>
    private static Tensor ExpandAlong(Tensor g, Shape shape, int axis, float scale)
    {
        var dims = shape.ToArray();
        dims[axis] = 1;
        var gk = g.ViewAs(new Shape(dims));
        var dx = Tensor.ZerosTemp(shape);
        Broadcast.Apply<AddOperator>(dx, gk, dx);
        if (scale != 1f) TensorPrimitives.Multiply(dx.Span, scale, dx.Span);
        return dx;
    }
}
