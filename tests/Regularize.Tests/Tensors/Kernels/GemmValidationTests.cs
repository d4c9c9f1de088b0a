using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>Argument checks of <see cref="Gemm"/>: each message names the problem.</summary>
[TestFixture]
[Category("Kernels")]
public class GemmValidationTests
{
    [Test]
    public void ShortSpanOfANamesShapeAndLength()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 3, 2, 5, new float[12], 5, new float[10], 2, new float[6], 2));
        Assert.That(e!.Message, Does.StartWith("Gemm: A is 3x5 (lda 5) but the span holds 12 values"));
    }

    [Test]
    public void ShortSpanOfTransposedBNamesStoredShape()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.MultiplyReference(false, true, 3, 2, 5, new float[15], 5, new float[9], 5, new float[6], 2));
        Assert.That(e!.Message, Does.StartWith("Gemm: B is 2x5 (ldb 5) but the span holds 9 values"));
        Assert.That(e.Message, Does.Contain("transposeB is true"));
    }

    [Test]
    public void ShortSpanOfCNamesShape()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 3, 2, 5, new float[15], 5, new float[10], 2, new float[7], 3));
        Assert.That(e!.Message, Does.StartWith("Gemm: C is 3x2 (ldc 3) but the span holds 7 values"));
    }

    [Test]
    public void LeadingDimensionShorterThanRow()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(true, false, 3, 2, 5, new float[15], 2, new float[10], 2, new float[6], 2));
        Assert.That(e!.Message, Does.StartWith("Gemm: lda is 2 but A is 5x3"));
        Assert.That(e.ParamName, Is.EqualTo("lda"));
    }

    [TestCase(-1, 2, 3, "m")]
    [TestCase(1, -2, 3, "n")]
    [TestCase(1, 2, -3, "k")]
    public void NegativeDimension(int m, int n, int k, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, m, n, k, new float[100], 10, new float[100], 10, new float[100], 10));
        Assert.That(e!.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.StartWith($"Gemm: {name} is {(name == "m" ? m : name == "n" ? n : k)}"));
    }

    [TestCase(0)]
    [TestCase(-2)]
    public void BadDegreeOfParallelism(int threads)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, 2, 2, 2, new float[4], 2, new float[4], 2, new float[4], 2, 0f, threads));
        Assert.That(e!.ParamName, Is.EqualTo("maxDegreeOfParallelism"));
    }

    [Test]
    public void ExactLengthWithoutTrailingPaddingIsAccepted()
    {
        // A 2×3 matrix with lda 5 needs only (2 − 1)·5 + 3 = 8 values: the last row's padding may be absent.
        float[] a = [1, 2, 3, -1, -1, 4, 5, 6], b = [1, 0, 0, 1, 1, 1], c = new float[4];
        Gemm.Multiply(false, false, 2, 2, 3, a, 5, b, 2, c, 2);
        Assert.That(c, Is.EqualTo(new float[] { 4, 5, 10, 11 }).AsCollection);
    }
}
