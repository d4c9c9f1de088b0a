using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>
/// The tanh-approximated GELU's span form against its scalar definition for every length 0..256 and some long odd
/// ones, out of place and in place, with special values mixed in; and the scalar form against the formula as
/// PyTorch writes it, evaluated independently in double. CI reruns this category with AVX-512, AVX2 and all
/// intrinsics off, so each vector width and the scalar tail are compared with the scalar definition.
/// </summary>
[Category("Kernels")]
public class GeluTanhOperatorTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 257), 1000, 1023, 4097];
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, -30f, 30f, -9.5f];

    private static float[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 13 == 4 ? Specials[(i / 13) % Specials.Length] : (float)(rng.NextDouble() * 16 - 8);
        return x;
    }

    /// <summary>
    /// Equal bits, or (the vector and scalar double exp may differ in their last bit, which can move a float
    /// rounding) adjacent floats; NaN only where the scalar form gives NaN.
    /// </summary>
    private static void AssertAgrees(float expected, float actual, string what)
    {
        if (float.IsNaN(expected))
        {
            Assert.That(float.IsNaN(actual), Is.True, what);
            return;
        }
        int e = BitConverter.SingleToInt32Bits(expected), a = BitConverter.SingleToInt32Bits(actual);
        Assert.That(Math.Abs((long)e - a), Is.LessThanOrEqualTo(1), $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Test]
    public void SpanForm_AgreesWithScalarForm_AtEveryLength()
    {
        int differing = 0, total = 0;
        foreach (int n in Lengths)
        {
            var x = Data(n, n);
            var d = new float[n];
            GeluTanhOperator.Invoke(x, d);
            for (int i = 0; i < n; i++)
            {
                float e = GeluTanhOperator.Invoke(x[i]);
                AssertAgrees(e, d[i], $"n={n} i={i} x={x[i]:R}");
                if (!float.IsNaN(e) && BitConverter.SingleToInt32Bits(e) != BitConverter.SingleToInt32Bits(d[i])) differing++;
                total++;
            }
            var inPlace = (float[])x.Clone();
            GeluTanhOperator.Invoke(inPlace, inPlace);
            for (int i = 0; i < n; i++) AssertAgrees(d[i], inPlace[i], $"in place n={n} i={i}");
        }
        TestContext.Out.WriteLine($"{differing} of {total} elements differ from the scalar form by 1 ulp");
    }

    [Test]
    public void ScalarForm_IsTheTorchFormula()
    {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) in double with Math.Tanh: another route than 1/(1 + e^(−2u)).
        for (double xd = -12; xd <= 12; xd += 0.0625)
        {
            double expected = 0.5 * xd * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (xd + 0.044715 * xd * xd * xd)));
            float actual = GeluTanhOperator.Invoke((float)xd);
            Assert.That(actual, Is.EqualTo(expected).Within(1e-7 * Math.Max(1, Math.Abs(expected))), $"x={xd}");
        }
    }

    [Test]
    public void SpecialValues()
    {
        Assert.That(GeluTanhOperator.Invoke(float.PositiveInfinity), Is.EqualTo(float.PositiveInfinity));
        Assert.That(float.IsNaN(GeluTanhOperator.Invoke(float.NegativeInfinity)), Is.True, "−∞·0 is NaN, as in PyTorch");
        Assert.That(float.IsNaN(GeluTanhOperator.Invoke(float.NaN)), Is.True);
        Assert.That(BitConverter.SingleToInt32Bits(GeluTanhOperator.Invoke(-0f)), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)));
        Assert.That(GeluTanhOperator.Invoke(-30f), Is.EqualTo(-0f));
        Assert.That(GeluTanhOperator.Invoke(30f), Is.EqualTo(30f));
    }

    [Test]
    public void Derivative_MatchesCentralDifferencesInDouble()
    {
        for (double xd = -6; xd <= 6; xd += 0.25)
        {
            const double h = 1e-5;
            static double F(double v) => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            double numeric = (F(xd + h) - F(xd - h)) / (2 * h);
            Assert.That(GeluTanhOperator.Derivative((float)xd), Is.EqualTo(numeric).Within(1e-6), $"x={xd}");
        }
    }
}
