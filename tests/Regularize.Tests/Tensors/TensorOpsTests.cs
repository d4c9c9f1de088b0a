using Regularize.Autograd;
using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

public class TensorOpsTests
{
    private static Tensor T(float[] data, params int[] shape) => Tensor.FromArray(data, shape);

    [Test]
    public void BroadcastingHandComputedCases()
    {
        var m = T([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.That((m + T([10, 20, 30], 3)).ToArray(), Is.EqualTo(new float[] { 11, 22, 33, 14, 25, 36 }));
        Assert.That((m * T([2, 3], 2, 1)).ToArray(), Is.EqualTo(new float[] { 2, 4, 6, 12, 15, 18 }));
        Assert.That((m - 1f).ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That((12f / m).ToArray(), Is.EqualTo(new float[] { 12, 6, 4, 3, 2.4f, 2 }));
        // [2,1] with [1,3] gives an outer sum [2,3].
        var outer = T([1, 2], 2, 1) + T([10, 20, 30], 1, 3);
        Assert.That(outer.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(outer.ToArray(), Is.EqualTo(new float[] { 11, 21, 31, 12, 22, 32 }));
        // Rank 3 with a middle broadcast axis: [2,1,2] + [3,1] → [2,3,2].
        var x = T([1, 2, 3, 4], 2, 1, 2);
        var y = T([100, 200, 300], 3, 1);
        var z = x + y;
        Assert.That(z.Shape, Is.EqualTo(new Shape(2, 3, 2)));
        Assert.That(z.ToArray(), Is.EqualTo(new float[] { 101, 102, 201, 202, 301, 302, 103, 104, 203, 204, 303, 304 }));
        // Trailing-axes broadcasts on either side, with leading 1s on the small operand.
        Assert.That((T([10, 20, 30], 1, 3) - m).ToArray(), Is.EqualTo(new float[] { 9, 18, 27, 6, 15, 24 }));
        Assert.That((m / T([1, 2, 4], 1, 1, 3)).ToArray(), Is.EqualTo(new float[] { 1, 1, 0.75f, 4, 2.5f, 1.5f }));
        Assert.That((m / T([1, 2, 4], 1, 1, 3)).Shape, Is.EqualTo(new Shape(1, 2, 3)));
        Assert.That(Tensor.Maximum(m, T([3], 1)).ToArray(), Is.EqualTo(new float[] { 3, 3, 3, 4, 5, 6 }));
        Assert.That(Tensor.Minimum(m, T([3], 1)).ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 3, 3, 3 }));
    }

    [Test]
    public void BroadcastingErrorNamesOpAndShapes() =>
        Assert.That(() => Tensor.Add(Tensor.Ones(2, 3), Tensor.Ones(4)),
            Throws.ArgumentException.With.Message.EqualTo("Add: shapes [2,3] and [4] cannot be broadcast: axis 1 has sizes 3 and 4."));

    [Test]
    public void UnaryOps()
    {
        var x = T([-2, -0.5f, 0, 0.5f, 3], 5);
        Assert.That(x.Relu().ToArray(), Is.EqualTo(new float[] { 0, 0, 0, 0.5f, 3 }));
        Assert.That(x.Abs().ToArray(), Is.EqualTo(new float[] { 2, 0.5f, 0, 0.5f, 3 }));
        Assert.That(x.Sign().ToArray(), Is.EqualTo(new float[] { -1, -1, 0, 1, 1 }));
        Assert.That(x.Negate().ToArray(), Is.EqualTo(new float[] { 2, 0.5f, 0, -0.5f, -3 }));
        Assert.That(x.Clamp(-1, 1).ToArray(), Is.EqualTo(new float[] { -1, -0.5f, 0, 0.5f, 1 }));
        Assert.That(x.Square().ToArray(), Is.EqualTo(new float[] { 4, 0.25f, 0, 0.25f, 9 }));
        for (int i = 0; i < 5; i++)
        {
            float v = x[i];
            Assert.That(x.Exp()[i], Is.EqualTo(MathF.Exp(v)).Within(2e-7 * MathF.Exp(v)));
            Assert.That(x.Tanh()[i], Is.EqualTo(MathF.Tanh(v)).Within(2e-7));
            Assert.That(x.Sigmoid()[i], Is.EqualTo(1 / (1 + Math.Exp(-v))).Within(2e-7));
            Assert.That(x.Gelu()[i], Is.EqualTo(0.5 * v * (1 + GeluErfViaIntegral(v / Math.Sqrt(2)))).Within(1e-6));
        }
        Assert.That(T([4, 9], 2).Sqrt().ToArray(), Is.EqualTo(new float[] { 2, 3 }));
        Assert.That(T([2, 3], 2).Pow(3).ToArray(), Is.EqualTo(new float[] { 8, 27 }));
        Assert.That(T([1], 1).Log().Item(), Is.EqualTo(0f));
        Assert.That(float.IsNaN(T([float.NaN], 1).Relu().Item()), Is.True, "relu propagates NaN");
        Assert.That(() => x.Clamp(1, -1), Throws.ArgumentException.With.Message.Contains("min"));
    }

    // erf by Simpson's rule on 2/√π·∫₀ˣ e^(−t²) dt, an independent check of the rational approximation.
    private static double GeluErfViaIntegral(double x)
    {
        const int n = 2000;
        double h = x / n, s = 0;
        for (int i = 0; i <= n; i++)
        {
            double w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
            s += w * Math.Exp(-(i * h) * (i * h));
        }
        return 2 / Math.Sqrt(Math.PI) * s * h / 3;
    }

    [Test]
    public void ReductionsMatchLoops()
    {
        var x = Tensor.RandomNormal([3, 4, 5], seed: 11);
        for (int axis = 0; axis < 3; axis++)
        {
            var s = x.Sum(axis);
            var mx = x.Max(axis, keepDims: true);
            var am = x.ArgMax(axis);
            var mean = x.Mean(axis);
            int[] dims = [3, 4, 5];
            var outDims = dims.Where((_, i) => i != axis).ToArray();
            Assert.That(s.Shape, Is.EqualTo(new Shape(outDims)));
            Assert.That(mx.Shape[axis], Is.EqualTo(1));
            int flat = 0;
            for (int a = 0; a < outDims[0]; a++)
            {
                for (int b = 0; b < outDims[1]; b++, flat++)
                {
                    double sum = 0;
                    float best = float.NegativeInfinity;
                    int bestAt = -1;
                    for (int k = 0; k < dims[axis]; k++)
                    {
                        int[] idx = axis switch { 0 => [k, a, b], 1 => [a, k, b], _ => [a, b, k] };
                        float v = x[idx];
                        sum += v;
                        if (v > best) { best = v; bestAt = k; }
                    }
                    Assert.That(s.Span[flat], Is.EqualTo(sum).Within(1e-5), $"sum axis {axis}");
                    Assert.That(mean.Span[flat], Is.EqualTo(sum / dims[axis]).Within(1e-5), $"mean axis {axis}");
                    Assert.That(mx.Span[flat], Is.EqualTo(best), $"max axis {axis}");
                    Assert.That(am[flat], Is.EqualTo(bestAt), $"argmax axis {axis}");
                }
            }
        }
        Assert.That(x.Sum().Item(), Is.EqualTo(x.ToArray().Sum(v => (double)v)).Within(1e-4));
        Assert.That(x.Mean().Item(), Is.EqualTo(x.ToArray().Average(v => (double)v)).Within(1e-6));
        Assert.That(x.Max().Item(), Is.EqualTo(x.ToArray().Max()));
        Assert.That(x.ArgMax(), Is.EqualTo(Array.IndexOf(x.ToArray(), x.ToArray().Max())));
        Assert.That(x.Sum(-1).Shape, Is.EqualTo(new Shape(3, 4)));
        Assert.That(() => x.Sum(3), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("[3,4,5]"));
    }

    [Test]
    public void SoftmaxIsStableForLargeLogits()
    {
        var x = T([1000, 1001, 1002, -1000, 0, 1000], 2, 3);
        var p = x.Softmax();
        var lp = x.LogSoftmax();
        double z = 1 + Math.Exp(1) + Math.Exp(2);
        Assert.That(p.ToArray().Take(3), Is.EqualTo(new[] { 1 / z, Math.E / z, Math.Exp(2) / z }).Within(1e-6));
        Assert.That(lp[0, 0], Is.EqualTo(-Math.Log(z)).Within(1e-5));
        Assert.That(lp[1, 0], Is.EqualTo(-2000f).Within(1e-3));
        Assert.That(p[1, 2], Is.EqualTo(1f).Within(1e-7));
        Assert.That(p.ToArray().All(float.IsFinite), Is.True);
    }

    [Test]
    public void GatherPicksOneElementPerRow()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        Assert.That(x.Gather([2, 0]).ToArray(), Is.EqualTo(new float[] { 2, 3 }));
        Assert.That(() => x.Gather([3, 0]), Throws.ArgumentException.With.Message.Contains("index 3 at row 0"));
        Assert.That(() => x.Gather([0]), Throws.ArgumentException.With.Message.Contains("one per row"));
    }

    [Test]
    public void MatMulShapesAndValues()
    {
        var a = Tensor.Arange(0, 6).Reshape(2, 3);
        var b = Tensor.Arange(0, 12).Reshape(3, 4);
        var c = Tensor.MatMul(a, b);
        Assert.That(c.ToArray(), Is.EqualTo(Naive(a.ToArray(), b.ToArray(), 2, 3, 4)));
        Assert.That(Tensor.MatMul(a.Transpose(), b, transposeA: true).ToArray(), Is.EqualTo(c.ToArray()));
        Assert.That(Tensor.MatMul(a, b.Transpose(), transposeB: true).ToArray(), Is.EqualTo(c.ToArray()));
        var batched = Tensor.MatMul(Tensor.Concat([a.Reshape(1, 2, 3), (a * 2f).Reshape(1, 2, 3)]), Tensor.Concat([b.Reshape(1, 3, 4), b.Reshape(1, 3, 4)]));
        Assert.That(batched.Shape, Is.EqualTo(new Shape(2, 2, 4)));
        Assert.That(batched.ToArray().Skip(8), Is.EqualTo(c.ToArray().Select(v => 2 * v)));
        Assert.That(Tensor.MatMul(a.Reshape(1, 2, 3), b).ToArray(), Is.EqualTo(c.ToArray()));
        Assert.That(() => Tensor.MatMul(Tensor.Ones(32, 784), Tensor.Ones(512, 256)),
            Throws.ArgumentException.With.Message.EqualTo("MatMul: [32,784] x [512,256]: inner dimensions 784 and 512 differ."));
        Assert.That(() => Tensor.MatMul(Tensor.Ones(2, 3, 4), Tensor.Ones(3, 4, 5)), Throws.ArgumentException.With.Message.Contains("batch sizes 2 and 3"));
        Assert.That(() => Tensor.MatMul(Tensor.Ones(4), Tensor.Ones(4, 5)), Throws.ArgumentException.With.Message.Contains("ranks"));
    }

    [Test]
    public void MatMulIntoADestinationEqualsTheAllocatingProductBitForBit()
    {
        var a = Tensor.RandomNormal([37, 53], seed: 1);
        var b = Tensor.RandomNormal([53, 29], seed: 2);
        var destination = Tensor.Full(float.NaN, 37, 29); // stale contents must not leak into the product
        var returned = Tensor.MatMul(a, b, destination);
        Assert.That(returned, Is.SameAs(destination));
        Assert.That(destination.ToArray(), Is.EqualTo(Tensor.MatMul(a, b).ToArray()));
        // The same buffer again, with transposed operands stored the other way round.
        Tensor.MatMul(a.Transpose(), b.Transpose(), destination, transposeA: true, transposeB: true);
        Assert.That(destination.ToArray(), Is.EqualTo(Tensor.MatMul(a, b).ToArray()));
        // Batched 3x3 and shared 3x2 forms.
        var a3 = Tensor.RandomNormal([3, 5, 7], seed: 3);
        var b3 = Tensor.RandomNormal([3, 7, 4], seed: 4);
        var d3 = Tensor.Zeros(3, 5, 4);
        Assert.That(Tensor.MatMul(a3, b3, d3).ToArray(), Is.EqualTo(Tensor.MatMul(a3, b3).ToArray()));
        var shared = Tensor.RandomNormal([7, 4], seed: 5);
        Assert.That(Tensor.MatMul(a3, shared, d3).ToArray(), Is.EqualTo(Tensor.MatMul(a3, shared).ToArray()));
    }

    [Test]
    public void MatMulIntoADestinationRejectsWrongShapesOverlapsAndRecordingBeforeWriting()
    {
        var a = Tensor.Ones(2, 3);
        var b = Tensor.Ones(3, 4);
        var wrong = Tensor.Full(7f, 4, 2);
        Assert.That(() => Tensor.MatMul(a, b, wrong), Throws.ArgumentException.With.Message.EqualTo(
            "MatMul: [2,3] x [3,4] into [4,2]: the destination must have the product's shape [2,4]. (Parameter 'destination')"));
        Assert.That(wrong.ToArray(), Is.All.EqualTo(7f));
        Assert.That(() => Tensor.MatMul(a, b, null!), Throws.ArgumentNullException);

        // A destination that is a view onto an operand's elements would be read while it is written.
        var square = Tensor.Ones(4, 4);
        Assert.That(() => Tensor.MatMul(square, square, square), Throws.ArgumentException.With.Message.Contains("shares elements with an operand"));

        var weights = Tensor.Ones(3, 4);
        weights.RequiresGrad = true;
        var destination = Tensor.Full(7f, 2, 4);
        Assert.That(() => Tensor.MatMul(a, weights, destination), Throws.InvalidOperationException.With.Message.Contains("an operand requires gradients"));
        Assert.That(destination.ToArray(), Is.All.EqualTo(7f));
        using (GradMode.NoGrad())
        {
            Assert.That(Tensor.MatMul(a, weights, destination).ToArray(), Is.All.EqualTo(3f));
        }
    }

    [Test]
    public void MatMulIntoADestinationRejectsADestinationThatOverlapsAnOperandInOneArena()
    {
        // Two windows of one storage: disjoint ones are fine, overlapping ones are refused.
        var arena = Tensor.Arange(0, 16).Reshape(4, 4);
        var top = arena.Rows(0, 2);    // elements 0..7
        var bottom = arena.Rows(2, 2); // elements 8..15
        var identity = Tensor.FromArray([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 4, 4);
        Tensor.MatMul(top, identity, bottom);
        Assert.That(bottom.ToArray(), Is.EqualTo(Enumerable.Range(0, 8).Select(i => (float)i)));
        Assert.That(() => Tensor.MatMul(top, identity, top), Throws.ArgumentException.With.Message.Contains("shares elements"));
    }

    private static float[] Naive(float[] a, float[] b, int m, int k, int n)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) { float s = 0; for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j]; c[i * n + j] = s; }
        return c;
    }
}
