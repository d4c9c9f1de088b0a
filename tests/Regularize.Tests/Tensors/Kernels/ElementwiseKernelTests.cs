using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>
/// Each operator's span forms against its own scalar definition, for every length 0..256 and some long odd ones,
/// out of place and in place, with special values mixed in. CI runs this category again with AVX-512, AVX2 and
/// all hardware intrinsics switched off, so every vector width and the scalar tail are exercised on one machine.
/// </summary>
[Category("Kernels")]
public class ElementwiseKernelTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 257), 1000, 1023, 4097, 65537];
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -3.5f, 2f];

    private static float[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 17 == 5 ? Specials[(i / 17) % Specials.Length] : (float)(rng.NextDouble() * 8 - 4);
        return x;
    }

    private static void AssertSame(float expected, float actual, string what)
    {
        if (float.IsNaN(expected)) Assert.That(float.IsNaN(actual), Is.True, what);
        else Assert.That(BitConverter.SingleToInt32Bits(actual), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"{what}: expected {expected}, got {actual}");
    }

    private static void CheckBinary<TOp>() where TOp : struct, IBinaryOperator
    {
        foreach (int n in Lengths)
        {
            var x = Data(n, n);
            var y = Data(n, n + 1000);
            var d = new float[n];
            TOp.Invoke(x, y, d);
            for (int i = 0; i < n; i++) AssertSame(TOp.Invoke(x[i], y[i]), d[i], $"{typeof(TOp).Name} span,span n={n} i={i}");
            float s = n > 0 ? y[0] : 1.5f;
            TOp.Invoke(x, s, d);
            for (int i = 0; i < n; i++) AssertSame(TOp.Invoke(x[i], s), d[i], $"{typeof(TOp).Name} span,scalar n={n} i={i}");
            TOp.Invoke(s, x, d);
            for (int i = 0; i < n; i++) AssertSame(TOp.Invoke(s, x[i]), d[i], $"{typeof(TOp).Name} scalar,span n={n} i={i}");
            var inPlace = (float[])x.Clone();
            TOp.Invoke(inPlace, y, inPlace);
            for (int i = 0; i < n; i++) AssertSame(TOp.Invoke(x[i], y[i]), inPlace[i], $"{typeof(TOp).Name} in place n={n} i={i}");
        }
    }

    [Test] public void Add() => CheckBinary<AddOperator>();
    [Test] public void Subtract() => CheckBinary<SubtractOperator>();
    [Test] public void Multiply() => CheckBinary<MultiplyOperator>();
    [Test] public void Divide() => CheckBinary<DivideOperator>();
    [Test] public void Maximum() => CheckBinary<MaximumOperator>();
    [Test] public void Minimum() => CheckBinary<MinimumOperator>();

    [Test]
    public void PowAgreesWithScalarToTwoUlp()
    {
        // TensorPrimitives.Pow and MathF.Pow are separate implementations; neither is correctly rounded, so allow 2 ulp.
        foreach (int n in Lengths)
        {
            var x = Data(n, n).Select(v => MathF.Abs(v)).ToArray();
            var y = Data(n, n + 7);
            var d = new float[n];
            PowOperator.Invoke(x, y, d);
            for (int i = 0; i < n; i++)
            {
                float e = PowOperator.Invoke(x[i], y[i]);
                if (float.IsNaN(e) || float.IsInfinity(e) || e == 0) { AssertSame(e, d[i], $"pow n={n} i={i}"); continue; }
                int ulps = Math.Abs(BitConverter.SingleToInt32Bits(e) - BitConverter.SingleToInt32Bits(d[i]));
                Assert.That(ulps, Is.LessThanOrEqualTo(2), $"pow({x[i]}, {y[i]}) n={n}: {e} vs {d[i]}");
            }
        }
    }

    [Test]
    public void SignMatchesScalarOnEveryPath()
    {
        foreach (int n in Lengths)
        {
            var x = Data(n, n);
            var d = new float[n];
            SignOperator.Invoke(x, d);
            for (int i = 0; i < n; i++) AssertSame(SignOperator.Invoke(x[i]), d[i], $"sign n={n} i={i}");
            SignOperator.Invoke(x, x); // in place
            for (int i = 0; i < n; i++) AssertSame(d[i], x[i], $"sign in place n={n} i={i}");
        }
    }

    [Test]
    public void SignOfSpecialValues()
    {
        Assert.That(SignOperator.Invoke(float.PositiveInfinity), Is.EqualTo(1f));
        Assert.That(SignOperator.Invoke(float.NegativeInfinity), Is.EqualTo(-1f));
        Assert.That(SignOperator.Invoke(1e-40f), Is.EqualTo(1f));
        Assert.That(float.IsNaN(SignOperator.Invoke(float.NaN)), Is.True);
        Assert.That(BitConverter.SingleToInt32Bits(SignOperator.Invoke(-0f)), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)));
    }

    [Test]
    public void UnaryKernelRejectsShortDestination() =>
        Assert.That(() => UnaryKernel.Run<SignOperator>(new float[5], new float[4]), Throws.ArgumentException.With.Message.Contains("4"));

    [Test]
    public void ErfMatchesKnownValues()
    {
        // Reference values of erf from Abramowitz & Stegun table 7.1 and high-precision evaluation.
        (double x, double erf)[] cases = [(0, 0), (0.1, 0.1124629160182849), (0.5, 0.5204998778130465), (1, 0.8427007929497149),
            (2, 0.9953222650189527), (3.5, 0.9999992569016276), (5, 0.9999999999984626), (-1, -0.8427007929497149)];
        foreach (var (x, erf) in cases) Assert.That(GeluOperator.Erf(x), Is.EqualTo(erf).Within(1e-14), $"erf({x})");
    }

    [Test]
    public void ReluMatchesScalarOnEveryPath()
    {
        foreach (int n in Lengths)
        {
            var x = Data(n, n);
            var d = new float[n];
            ReluOperator.Invoke(x, d);
            for (int i = 0; i < n; i++) AssertSame(ReluOperator.Invoke(x[i]), d[i], $"relu n={n} i={i}");
            for (int i = 0; i < n; i++) AssertSame(float.IsNaN(x[i]) ? x[i] : MathF.Max(x[i], 0f), d[i], $"relu = max(x, 0) n={n} i={i}");
            ReluOperator.Invoke(x, x); // in place
            for (int i = 0; i < n; i++) AssertSame(d[i], x[i], $"relu in place n={n} i={i}");
        }
        Assert.That(BitConverter.SingleToInt32Bits(ReluOperator.Invoke(-0f)), Is.EqualTo(0), "relu(-0) is +0, as max(-0, 0)");
    }

    [Test]
    public void ColumnSumMatchesScalarOnEveryPath()
    {
        foreach (int columns in Lengths)
        {
            foreach (int rows in (int[])[0, 1, 3, 8])
            {
                var x = Data(rows * columns, columns + rows);
                foreach (bool accumulate in (bool[])[false, true])
                {
                    var before = Data(columns, columns + 7);
                    var d = (float[])before.Clone();
                    ColumnSumKernel.Invoke(x, d, accumulate);
                    for (int j = 0; j < columns; j++)
                    {
                        AssertSame(ColumnSumKernel.Invoke(x, columns, j, before[j], accumulate), d[j],
                            $"column sum rows={rows} columns={columns} j={j} accumulate={accumulate}");
                    }
                }
            }
        }
        Assert.That(() => ColumnSumKernel.Invoke(new float[7], new float[2], false), Throws.ArgumentException.With.Message.Contains("rows of 2"));
    }

    [Test]
    public void ColumnSumAddsRowsInOrderFromZero()
    {
        float[] x = [1e8f, 1f, -1e8f, 1f, 1f, 1f]; // 3 rows of 2: (1e8 + -1e8) + 1 = 1 in row order; 1 + 1 + 1 = 3
        var d = new float[] { 10f, 20f };
        ColumnSumKernel.Invoke(x, d, accumulate: true);
        Assert.That(d, Is.EqualTo(new[] { 11f, 23f }));
        ColumnSumKernel.Invoke(x, d, accumulate: false);
        Assert.That(d, Is.EqualTo(new[] { 1f, 3f }));
    }

    [Test]
    public void ReluBackwardMatchesScalarOnEveryPath()
    {
        foreach (int n in Lengths)
        {
            var y = Data(n, n);
            var g = Data(n, n + 3);
            var d = new float[n];
            ReluBackwardKernel.Invoke(y, g, d);
            for (int i = 0; i < n; i++) AssertSame(ReluBackwardKernel.Invoke(y[i], g[i]), d[i], $"relu backward n={n} i={i}");
        }
        Assert.That(() => ReluBackwardKernel.Invoke(new float[3], new float[2], new float[3]), Throws.ArgumentException.With.Message.Contains("3, 2 and 3"));
    }
}
