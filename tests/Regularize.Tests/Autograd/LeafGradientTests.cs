using Regularize.Tensors;

namespace Regularize.Tests.Autograd;

/// <summary>
/// The rules that write a leaf's share straight into its gradient (a matrix product with beta = 1, a bias's column
/// sum) give the same bits as the composed path (a temporary, then added), for every transpose combination, when
/// gradients accumulate over several backward calls, and when the leaf's gradient buffer is an operand.
/// </summary>
public class LeafGradientTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.RandomNormal(shape, 0, 1, seed);

    private static Tensor Leaf(Tensor t)
    {
        var leaf = t.Clone();
        leaf.RequiresGrad = true;
        return leaf;
    }

    // The same operand reached through a recorded op (Reshape to its own shape), so the rule takes the composed path.
    private static Tensor Routed(Tensor leaf) => leaf.Reshape(leaf.Shape.ToArray());

    [TestCase(false, false)]
    [TestCase(false, true)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void MatMulIntoLeafGradientsMatchesTheComposedPath(bool transposeA, bool transposeB)
    {
        int m = 7, k = 13, n = 9;
        var a0 = R(1, transposeA ? [k, m] : [m, k]);
        var b0 = R(2, transposeB ? [n, k] : [k, n]);
        var weight = R(3, m, n);
        var (a1, b1) = (Leaf(a0), Leaf(b0));
        var (a2, b2) = (Leaf(a0), Leaf(b0));
        for (int pass = 0; pass < 2; pass++) // the second pass accumulates into the existing gradients
        {
            (Tensor.MatMul(a1, b1, transposeA, transposeB) * weight).Sum().Backward();
            (Tensor.MatMul(Routed(a2), Routed(b2), transposeA, transposeB) * weight).Sum().Backward();
            Assert.That(a1.Grad!.ToArray(), Is.EqualTo(a2.Grad!.ToArray()), $"dA, pass {pass}");
            Assert.That(b1.Grad!.ToArray(), Is.EqualTo(b2.Grad!.ToArray()), $"dB, pass {pass}");
        }
    }

    [Test]
    public void MatMulIntoARecycledGradientOverwritesIt()
    {
        var a = Leaf(R(1, 4, 5));
        var b = Leaf(R(2, 5, 3));
        Tensor.MatMul(a, b).Sum().Backward();
        var first = a.Grad!.ToArray();
        a.Grad!.Span.Fill(float.NaN); // what a cleared buffer holds must not leak into the next gradient
        a.Grad = null;
        b.Grad = null;
        Tensor.MatMul(a, b).Sum().Backward();
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(first));
    }

    [Test]
    public void AGradientBufferThatIsAlsoAnOperandTakesTheComposedPath()
    {
        var a = Leaf(R(1, 4, 4));
        var b = Leaf(R(2, 4, 4));
        var g = R(3, 4, 4);
        var expected = Tensor.MatMul(g, b, transposeB: true).ToArray(); // dA = g·Bᵀ
        a.Grad = b; // a's gradient buffer is b's storage, which the product dA = g·Bᵀ reads
        a.Grad = null;
        Tensor.MatMul(a, b.Detach()).Backward(g);
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void BiasGradientIsTheColumnSumAndAccumulates()
    {
        var x = R(1, 6, 5);
        var bias0 = R(2, 5);
        var g = R(3, 6, 5);
        var b1 = Leaf(bias0);
        var b2 = Leaf(bias0);
        for (int pass = 0; pass < 2; pass++)
        {
            (x + b1).Backward(g);
            (x + Routed(b2)).Backward(g);
            Assert.That(b1.Grad!.ToArray(), Is.EqualTo(b2.Grad!.ToArray()), $"pass {pass}");
        }
        var sums = new float[5];
        for (int r = 0; r < 6; r++) for (int j = 0; j < 5; j++) sums[j] += g[r, j];
        Assert.That(b1.Grad!.ToArray(), Is.EqualTo(sums.Select(s => s + s).ToArray()).Within(1e-5f));
    }

    [TestCase(new[] { 3, 4 }, new[] { 1, 4 })] // a bias with a leading 1, on the left of the sum
    [TestCase(new[] { 1, 3, 4 }, new[] { 4 })]
    [TestCase(new[] { 2, 3, 4 }, new[] { 1, 4 })] // repeated along two axes: summed axis by axis, as before
    public void BiasOnTheLeftAndWithLeadingOnes(int[] xShape, int[] biasShape)
    {
        var x = R(1, xShape);
        var g = R(2, xShape);
        var bias = Leaf(R(3, biasShape));
        (bias + x).Backward(g);
        var routed = Leaf(bias.Detach().Clone());
        (Routed(routed) + x).Backward(g);
        Assert.That(bias.Grad!.ToArray(), Is.EqualTo(routed.Grad!.ToArray()));
        Assert.That(bias.Grad!.Shape, Is.EqualTo(new Shape(biasShape)));
    }
}
