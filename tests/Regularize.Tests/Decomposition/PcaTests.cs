using Regularize.Decomposition;
using Regularize.Tensors;

namespace Regularize.Tests.Decomposition;

public class PcaTests
{
    private static readonly PcaSolver[] Solvers = [PcaSolver.Full, PcaSolver.Covariance, PcaSolver.Randomized];

    [Test]
    public void MatchesScikitLearnDocumentedExample()
    {
        // scikit-learn's PCA docstring example: singular values [6.30061..., 0.54980...], ratios [0.99244..., 0.00755...].
        var x = Tensor.FromArray([-1, -1, -2, -1, -3, -2, 1, 1, 2, 1, 3, 2], 6, 2);
        foreach (var solver in new[] { PcaSolver.Full, PcaSolver.Covariance })
        {
            var pca = new Pca(components: 2, solver: solver).Fit(x);
            Assert.That(pca.SingularValues, Is.EqualTo(new[] { 6.30061232f, 0.54980396f }).Within(1e-5f), solver.ToString());
            Assert.That(pca.ExplainedVarianceRatio, Is.EqualTo(new[] { 0.99244289f, 0.00755711f }).Within(1e-6f), solver.ToString());
        }
    }

    [TestCase(PcaSolver.Full, 120, 40)]
    [TestCase(PcaSolver.Covariance, 120, 40)]
    [TestCase(PcaSolver.Randomized, 120, 40)]
    [TestCase(PcaSolver.Full, 30, 80)]
    [TestCase(PcaSolver.Covariance, 30, 80)]
    [TestCase(PcaSolver.Randomized, 30, 80)]
    public void MatchesMathNetSvd(PcaSolver solver, int m, int n)
    {
        int r = Math.Min(m, n) - 1; // centering removes one dimension
        var x = SpectrumMatrices.WithSpectrum(m, n, SpectrumMatrices.Geometric(r, 0.8), seed: 7);
        var reference = SpectrumMatrices.CenteredSvd(x);
        const int k = 6;
        var pca = new Pca(components: k, solver: solver, seed: 3).Fit(x);
        Assert.That(pca.SolverUsed, Is.EqualTo(solver));
        double s1 = reference.S[0];
        var components = pca.Components;
        for (int j = 0; j < k; j++)
        {
            Assert.That(pca.SingularValues[j], Is.EqualTo(reference.S[j]).Within(1e-5 * s1), $"σ{j}");
            Assert.That(pca.ExplainedVariance[j], Is.EqualTo(reference.S[j] * reference.S[j] / (m - 1)).Within(1e-4 * s1 * s1 / (m - 1)));
            // Same direction as MathNet's v_j (up to sign), and our sign rule: the largest |entry| is positive.
            double dot = 0;
            int largest = 0;
            for (int i = 0; i < n; i++)
            {
                dot += components[j, i] * reference.VT[j, i];
                if (Math.Abs(components[j, i]) > Math.Abs(components[j, largest])) largest = i;
            }
            Assert.That(Math.Abs(dot), Is.EqualTo(1.0).Within(1e-4), $"component {j}");
            Assert.That(components[j, largest], Is.GreaterThan(0f), $"sign of component {j}");
        }
    }

    [Test]
    public void ReconstructionErrorIsTheDiscardedSingularValues([ValueSource(nameof(Solvers))] PcaSolver solver, [Values(false, true)] bool wide)
    {
        // Wide data (more features than samples) take the other side of the Gram matrix and form the components from U.
        var x = wide
            ? SpectrumMatrices.WithSpectrum(25, 90, SpectrumMatrices.Geometric(24, 0.75), seed: 11, meanScale: 3)
            : SpectrumMatrices.WithSpectrum(90, 25, SpectrumMatrices.Geometric(24, 0.75), seed: 11, meanScale: 3);
        var reference = SpectrumMatrices.CenteredSvd(x);
        foreach (int k in new[] { 1, 4, 10 })
        {
            var pca = new Pca(components: k, solver: solver).Fit(x);
            var back = pca.InverseTransform(pca.Transform(x));
            double discarded = 0;
            for (int j = k; j < reference.S.Count; j++) discarded += reference.S[j] * reference.S[j];
            double error = SpectrumMatrices.Distance(x, back);
            Assert.That(error * error, Is.EqualTo(discarded).Within(1e-4 * reference.S[0] * reference.S[0]), $"k = {k}");
        }
    }

    [Test]
    public void AllComponentsExplainAllVarianceAndReconstructExactly()
    {
        var x = SpectrumMatrices.WithSpectrum(50, 12, SpectrumMatrices.Geometric(12, 0.7), seed: 5);
        var pca = new Pca().Fit(x);
        Assert.That(pca.ComponentCount, Is.EqualTo(12));
        Assert.That(pca.ExplainedVarianceRatio.Sum(), Is.EqualTo(1.0).Within(1e-5));
        Assert.That(SpectrumMatrices.Distance(x, pca.InverseTransform(pca.Transform(x))), Is.LessThan(1e-4 * SpectrumMatrices.Norm(x)));
    }

    [Test]
    public void RandomizedAgreesWithExactOnADecayingSpectrum()
    {
        var x = SpectrumMatrices.WithSpectrum(400, 120, SpectrumMatrices.Geometric(119, 0.9), seed: 13);
        const int k = 10;
        var exact = new Pca(components: k, solver: PcaSolver.Full).Fit(x);
        var randomized = new Pca(components: k, solver: PcaSolver.Randomized, seed: 99).Fit(x);
        Assert.That(randomized.SingularValues, Is.EqualTo(exact.SingularValues).Within(1e-4f * exact.SingularValues[0]));
        // Same components, signs included (both follow the svd_flip rule).
        var a = exact.Components.ToArray();
        var b = randomized.Components.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.That(b[i], Is.EqualTo(a[i]).Within(2e-3f), $"entry {i}");
    }

    [Test]
    public void RandomizedWithoutPowerIterationsIsWorseThanWith()
    {
        // A slowly decaying tail: power iterations visibly sharpen the subspace (Halko et al. §4.5).
        var sigma = Enumerable.Range(0, 199).Select(j => j < 5 ? 10.0 - j : 1.0 * Math.Pow(0.995, j)).ToArray();
        var x = SpectrumMatrices.WithSpectrum(400, 200, sigma, seed: 21);
        var exact = new Pca(components: 5, solver: PcaSolver.Full).Fit(x);
        double Error(int q)
        {
            var pca = new Pca(components: 5, solver: PcaSolver.Randomized, oversampling: 2, powerIterations: q, seed: 4).Fit(x);
            return pca.SingularValues.Zip(exact.SingularValues, (p, e) => Math.Abs(p - e)).Max();
        }
        Assert.That(Error(3), Is.LessThan(Error(0) / 5));
    }

    [Test]
    public void RandomizedIsDeterministicForASeed()
    {
        var x = SpectrumMatrices.WithSpectrum(200, 60, SpectrumMatrices.Geometric(59, 0.9), seed: 2);
        var a = new Pca(components: 5, solver: PcaSolver.Randomized, seed: 8).Fit(x).Components.ToArray();
        var b = new Pca(components: 5, solver: PcaSolver.Randomized, seed: 8).Fit(x).Components.ToArray();
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void WhitenedCoordinatesHaveUnitVarianceAndInvertBack()
    {
        var x = SpectrumMatrices.WithSpectrum(80, 20, SpectrumMatrices.Geometric(19, 0.8), seed: 17);
        var pca = new Pca(components: 5, whiten: true).Fit(x);
        var z = pca.Transform(x);
        for (int j = 0; j < 5; j++)
        {
            double mean = 0, squares = 0;
            for (int i = 0; i < 80; i++) mean += z[i, j];
            mean /= 80;
            for (int i = 0; i < 80; i++) squares += (z[i, j] - mean) * (z[i, j] - mean);
            Assert.That(mean, Is.EqualTo(0).Within(1e-4));
            Assert.That(squares / 79, Is.EqualTo(1.0).Within(1e-3), $"component {j}");
        }
        var plain = new Pca(components: 5).Fit(x);
        Assert.That(SpectrumMatrices.Distance(pca.InverseTransform(z), plain.InverseTransform(plain.Transform(x))),
            Is.LessThan(1e-4 * SpectrumMatrices.Norm(x)));
    }

    [TestCase(60000, 784, 50, PcaSolver.Covariance)]
    [TestCase(300, 200, 10, PcaSolver.Full)]
    [TestCase(2000, 1500, 50, PcaSolver.Randomized)]
    [TestCase(2000, 1500, 1400, PcaSolver.Full)]
    [TestCase(100, 5000, 20, PcaSolver.Randomized)]
    public void AutoFollowsScikitLearnsRule(int m, int n, int k, PcaSolver expected) =>
        Assert.That(Pca.Choose(m, n, k), Is.EqualTo(expected));

    [Test]
    public void BadInputGivesClearErrors()
    {
        var nan = Tensor.FromArray([1, 2, 3, float.NaN, 5, 6], 3, 2);
        var e = Assert.Throws<ArgumentException>(() => new Pca().Fit(nan))!;
        Assert.That(e.Message, Does.Contain("NaN").And.Contain("row 1, column 1"));
        Assert.That(e.ParamName, Is.EqualTo("x"));

        // An empty matrix cannot be built (Shape rejects a zero dimension); one row is the smallest bad input.
        e = Assert.Throws<ArgumentException>(() => new Pca().Fit(Tensor.Zeros(1, 4)))!;
        Assert.That(e.Message, Does.Contain("at least 2 rows"));
        e = Assert.Throws<ArgumentException>(() => new Pca().Fit(Tensor.Zeros(12)))!;
        Assert.That(e.Message, Does.Contain("2-D"));

        var x = SpectrumMatrices.WithSpectrum(10, 4, [3, 2, 1], seed: 1);
        e = Assert.Throws<ArgumentException>(() => new Pca(components: 5).Fit(x))!;
        Assert.That(e.Message, Does.Contain("5 components").And.Contain("min(10, 4) = 4"));

        Assert.Throws<ArgumentOutOfRangeException>(() => new Pca(components: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pca(oversampling: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pca(powerIterations: -2));
        var unfitted = Assert.Throws<InvalidOperationException>(() => _ = new Pca().Transform(x))!;
        Assert.That(unfitted.Message, Does.Contain("Fit"));

        var pca = new Pca(components: 2).Fit(x);
        e = Assert.Throws<ArgumentException>(() => pca.Transform(Tensor.Zeros(3, 5)))!;
        Assert.That(e.Message, Does.Contain("4 features"));
        e = Assert.Throws<ArgumentException>(() => pca.InverseTransform(Tensor.Zeros(3, 3)))!;
        Assert.That(e.Message, Does.Contain("2 components"));
    }
}
