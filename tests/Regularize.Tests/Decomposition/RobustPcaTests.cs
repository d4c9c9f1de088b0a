using Regularize.Decomposition;
using Regularize.Tensors;

namespace Regularize.Tests.Decomposition;

public class RobustPcaTests
{
    /// <summary>
    /// The experiment of Candès, Li, Ma &amp; Wright (2011, §4.1) and Lin, Chen &amp; Ma (2010, Table 1): L₀ = X·Yᵀ with
    /// X, Y of i.i.d. N(0, 1/n) entries and rank r = 0.05n; S₀ with support uniform over 5% of the entries and values
    /// ±1. The papers report relative errors ‖L − L₀‖_F/‖L₀‖_F of about 10⁻⁸–10⁻⁷ in float64 with tol = 10⁻⁷; in float32
    /// with the same tol we ask for 5·10⁻⁶, about 80 times the unit roundoff.
    /// </summary>
    private static (Tensor M, float[] L0, float[] S0) Planted(int n, int rank, double fraction, ulong seed, int? rows = null)
    {
        int m = rows ?? n;
        var rng = new Rng(seed);
        var x = new double[m * rank];
        var y = new double[n * rank];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextNormal() / Math.Sqrt(n);
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextNormal() / Math.Sqrt(n);
        var l0 = new float[m * n];
        var s0 = new float[m * n];
        var m0 = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double v = 0;
                for (int p = 0; p < rank; p++) v += x[i * rank + p] * y[j * rank + p];
                l0[i * n + j] = (float)v;
                if (rng.NextDouble() < fraction) s0[i * n + j] = rng.NextDouble() < 0.5 ? -1f : 1f;
                m0[i * n + j] = l0[i * n + j] + s0[i * n + j];
            }
        }
        return (Tensor.FromArray(m0, m, n), l0, s0);
    }

    [TestCase(200, 200)]
    [TestCase(300, 120)]
    [TestCase(120, 300)]
    public void RecoversAPlantedLowRankPlusSparseMatrix(int m, int n)
    {
        int rank = (int)(0.05 * Math.Min(m, n));
        var (input, l0, s0) = Planted(n, rank, 0.05, seed: 42, rows: m);
        var result = new RobustPca(tolerance: 1e-7).Fit(input);
        double lError = SpectrumMatrices.Distance(result.LowRank, Tensor.FromArray(l0, m, n)) / SpectrumMatrices.Norm(Tensor.FromArray(l0, m, n));
        TestContext.Out.WriteLine($"{m}x{n}: {result.Iterations} iterations, rank {result.Rank}, ‖S‖₀ {result.Nonzeros}, residual {result.Residual:g3}, ‖L−L₀‖/‖L₀‖ {lError:g3}");
        Assert.That(result.Converged, Is.True);
        Assert.That(result.Residual, Is.LessThan(1e-7));
        Assert.That(result.Rank, Is.EqualTo(rank));
        Assert.That(lError, Is.LessThan(5e-6));
        long support = s0.Count(v => v != 0);
        Assert.That(result.Nonzeros, Is.EqualTo(support).Within(support / 100 + 1));
        Assert.That(SpectrumMatrices.Distance(result.Sparse, Tensor.FromArray(s0, m, n)) / Math.Sqrt(support), Is.LessThan(1e-4));
        Assert.That(result.Lambda, Is.EqualTo(1 / Math.Sqrt(Math.Max(m, n))).Within(1e-15));
    }

    [Test]
    public void TransposedInputGivesTransposedParts()
    {
        var (input, _, _) = Planted(150, 6, 0.05, seed: 3, rows: 90);
        var a = new RobustPca().Fit(input);
        var b = new RobustPca().Fit(input.Transpose());
        Assert.That(SpectrumMatrices.Distance(b.LowRank, a.LowRank.Transpose()), Is.LessThan(1e-4 * SpectrumMatrices.Norm(a.LowRank)));
        Assert.That(b.Rank, Is.EqualTo(a.Rank));
    }

    [Test]
    public void StopsAtTheIterationLimitAndReportsTheResidual()
    {
        var (input, _, _) = Planted(100, 5, 0.05, seed: 9);
        var result = new RobustPca(maxIterations: 3).Fit(input);
        Assert.That(result.Iterations, Is.EqualTo(3));
        Assert.That(result.Converged, Is.False);
        var z = input.Span.ToArray();
        for (int i = 0; i < z.Length; i++) z[i] -= result.LowRank.Span[i] + result.Sparse.Span[i];
        double residual = SpectrumMatrices.Norm(Tensor.FromArray(z, 100, 100)) / SpectrumMatrices.Norm(input);
        Assert.That(result.Residual, Is.EqualTo(residual).Within(1e-3 * residual));
        Assert.That(result.Residual, Is.GreaterThan(1e-7));
    }

    [Test]
    public void BadInputGivesClearErrors()
    {
        var e = Assert.Throws<ArgumentException>(() => new RobustPca().Fit(Tensor.FromArray([1, float.PositiveInfinity, 3, 4], 2, 2)))!;
        Assert.That(e.Message, Does.Contain("Infinity").And.Contain("row 0, column 1"));
        e = Assert.Throws<ArgumentException>(() => new RobustPca().Fit(Tensor.Zeros(3, 3)))!;
        Assert.That(e.Message, Does.Contain("all zeros"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new RobustPca(rho: 1.0))!.ParamName, Is.EqualTo("rho"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new RobustPca(lambda: -1))!.ParamName, Is.EqualTo("lambda"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new RobustPca(mu: double.NaN))!.ParamName, Is.EqualTo("mu"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new RobustPca(tolerance: 0))!.ParamName, Is.EqualTo("tolerance"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new RobustPca(maxIterations: 0))!.ParamName, Is.EqualTo("maxIterations"));
    }
}
