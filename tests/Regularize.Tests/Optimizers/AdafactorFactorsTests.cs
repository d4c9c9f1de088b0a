using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Optimizers;

/// <summary>Adafactor's statistics pass: row sums and column sums of G = g² + ε₁ have the same bits at every width.</summary>
public class AdafactorFactorsTests
{
    [Test, Category("Kernels")]
    public void RowAndColumnSumsMatchTheScalarFormAtEveryWidth()
    {
        var dummy = new Parameter(Tensor.Zeros(1, 1), "w");
        foreach (var (sign, l1) in new[] { (1f, 0f), (-1f, 0f), (-1f, 0.05f) })
        {
            var f = new AdafactorFactors(1, 1, 1);
            f.Set(dummy, Tensor.Zeros(1), Tensor.Zeros(1), 0.5f, 0.5f, 1e-30f, sign, l1);
            for (int n = 0; n <= 256; n++)
            {
                var g = Tensor.RandomNormal([n + 1], 0f, 1f, seed: (ulong)(3 * n + 1)).ToArray();
                var theta = Tensor.RandomNormal([n + 1], 0f, 1f, seed: (ulong)(3 * n + 2)).ToArray();
                if (n > 3) theta[2] = 0f;
                var start = Tensor.RandomNormal([n + 1], 0f, 1f, seed: (ulong)(3 * n + 3)).ToArray().Select(x => (double)x).ToArray();
                var expectedColumns = (double[])start.Clone();
                double expected = f.RowScalarOnly(ref g[0], ref theta[0], ref expectedColumns[0], (nuint)n);
                Check<F32x4>(f, g, theta, start, n, expected, expectedColumns, $"sign {sign}, λ₁ {l1}");
                Check<F32x8>(f, g, theta, start, n, expected, expectedColumns, $"sign {sign}, λ₁ {l1}");
                Check<F32x16>(f, g, theta, start, n, expected, expectedColumns, $"sign {sign}, λ₁ {l1}");
            }
        }
    }

    [Test]
    public void TheRowSumIsTheSumOfGInDouble()
    {
        // Independent of the accumulator layout: Σ (g² + ε₁) in double, to a relative 1e-13.
        var dummy = new Parameter(Tensor.Zeros(1, 1), "w");
        var f = new AdafactorFactors(1, 1, 1);
        f.Set(dummy, Tensor.Zeros(1), Tensor.Zeros(1), 0.5f, 0.5f, 1e-3f, 1f, 0f);
        var g = Tensor.RandomNormal([1001], 0f, 1f, seed: 9).ToArray();
        var columns = new double[1001];
        double sum = f.RowScalarOnly(ref g[0], ref g[0], ref columns[0], 1001);
        double expected = g.Sum(x => (double)(x * x + 1e-3f));
        Assert.That(sum, Is.EqualTo(expected).Within(1e-13 * expected));
        for (int j = 0; j < 1001; j++) Assert.That(columns[j], Is.EqualTo((double)(g[j] * g[j] + 1e-3f)), $"column {j}");
    }

    private static void Check<TVec>(AdafactorFactors f, float[] g, float[] theta, double[] start, int n, double expected, double[] expectedColumns, string what)
        where TVec : struct, IFloatVector<TVec>
    {
        var columns = (double[])start.Clone();
        double actual = f.RowWidth<TVec>(ref g[0], ref theta[0], ref columns[0], (nuint)n);
        if (BitConverter.DoubleToInt64Bits(actual) != BitConverter.DoubleToInt64Bits(expected))
            Assert.Fail($"n={n}, {TVec.Count} lanes, {what}: row sum {actual:R}, scalar {expected:R}");
        for (int j = 0; j < columns.Length; j++)
        {
            if (BitConverter.DoubleToInt64Bits(columns[j]) != BitConverter.DoubleToInt64Bits(expectedColumns[j]))
                Assert.Fail($"n={n}, {TVec.Count} lanes, {what}: column {j} {columns[j]:R}, scalar {expectedColumns[j]:R}");
        }
    }
}
