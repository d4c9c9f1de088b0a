namespace Regularize.Tests.Optimizers.Family;

public class AdafactorReferenceTests
{
    private static readonly FamilyConfig Adafactor = FamilyConfig.Defaults("Adafactor");

    [Test]
    public void FactoredSecondMomentOfRankOneSquaresEqualsTheFullOne()
    {
        const int rows = 6, cols = 9;
        var a = FamilyTestData.Normal(rows, 14);
        var b = FamilyTestData.Normal(cols, 15);
        var factored = FamilyTestData.Normal(rows * cols, 16);
        var full = (float[])factored.Clone();
        var sFactored = new FamilyState();
        var sFull = new FamilyState();
        for (int t = 0; t < 10; t++)
        {
            // g_t = s_t·a bᵀ: every g² is rank one with the same factors, so the factored EMA is exact.
            float st = 1f + 0.3f * t;
            var g = new float[rows * cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) g[i * cols + j] = st * a[i] * b[j];
            AdafactorReference.Step(Adafactor, factored, g, sFactored, [rows, cols]);
            AdafactorReference.Step(Adafactor with { Factored = false }, full, g, sFull, [rows, cols]);
            Assert.That(sFactored.Slots.Keys, Is.EquivalentTo(new[] { "vRow", "vColumn" }));
            Assert.That(sFull.Slots.Keys, Is.EquivalentTo(new[] { "v" }));
            for (int i = 0; i < full.Length; i++)
                Assert.That(factored[i], Is.EqualTo(full[i]).Within(2e-6 * Math.Abs(full[i]) + 1e-7), $"step {t + 1}, element {i}");
        }
    }

    [Test]
    public void FactoredSecondMomentDiffersForAGeneralGradient()
    {
        var factored = FamilyTestData.Normal(54, 17);
        var full = (float[])factored.Clone();
        var g = FamilyTestData.Normal(54, 18);
        AdafactorReference.Step(Adafactor, factored, g, new FamilyState(), [6, 9]);
        AdafactorReference.Step(Adafactor with { Factored = false }, full, g, new FamilyState(), [6, 9]);
        Assert.That(factored.Select((x, i) => Math.Abs(x - full[i])).Max(), Is.GreaterThan(1e-4));
    }

    [Test]
    public void TheFirstStepIsTheRelativeStepTimesRmsOfThetaTimesTheSign()
    {
        // t = 1: β̂ = 0, V = g² + ε₁, U = sign(g), RMS(U) = 1, α = min(10⁻², 1)·max(ε₂, RMS(θ)).
        var theta = FamilyTestData.Normal(100, 19);
        var before = (float[])theta.Clone();
        var g = FamilyTestData.Normal(100, 20);
        AdafactorReference.Step(Adafactor, theta, g, new FamilyState(), [100]);
        double alpha = 0.01 * AdafactorReference.Rms(before);
        for (int i = 0; i < 100; i++)
            Assert.That(theta[i], Is.EqualTo(before[i] - alpha * Math.Sign(g[i])).Within(1e-6 * Math.Abs(before[i]) + 1e-8), $"element {i}");
        // A zero θ is scaled by ε₂ instead; clipping at d = 0.5 halves the step.
        var zero = new float[5];
        AdafactorReference.Step(Adafactor with { ClipThreshold = 0.5 }, zero, [1f, -2f, 3f, -4f, 5f], new FamilyState(), [5]);
        Assert.That(zero, Is.EqualTo(new[] { -5e-6f, 5e-6f, -5e-6f, 5e-6f, -5e-6f }).Within(1e-12));
    }

    [Test]
    public void TheSecondMomentDecayIsOneMinusTToTheMinusZeroPointEight()
    {
        var theta = FamilyTestData.Normal(7, 21);
        var s = new FamilyState();
        var g1 = FamilyTestData.Normal(7, 22);
        var g2 = FamilyTestData.Normal(7, 23);
        AdafactorReference.Step(Adafactor, theta, g1, s, [7]);
        AdafactorReference.Step(Adafactor, theta, g2, s, [7]);
        double beta = 1 - Math.Pow(2, -0.8);
        for (int i = 0; i < 7; i++)
        {
            double expected = beta * g1[i] * g1[i] + (1 - beta) * g2[i] * g2[i];
            Assert.That(s["v"][i], Is.EqualTo(expected).Within(1e-6 * expected), $"v[{i}]");
        }
    }

    [Test]
    public void LeadingDimensionsAreFactoredSeparately()
    {
        var theta = FamilyTestData.Normal(24, 24);
        var first = theta[..12];
        var second = theta[12..];
        var s = new FamilyState();
        var s1 = new FamilyState();
        var s2 = new FamilyState();
        var config = Adafactor with { ScaleParameter = false, ClipThreshold = double.PositiveInfinity };
        for (int t = 0; t < 3; t++)
        {
            var g = FamilyTestData.Normal(24, 2400 + (ulong)t);
            AdafactorReference.Step(config, theta, g, s, [2, 3, 4]);
            AdafactorReference.Step(config, first, g[..12], s1, [3, 4]);
            AdafactorReference.Step(config, second, g[12..], s2, [3, 4]);
        }
        Assert.That(theta, Is.EqualTo(first.Concat(second).ToArray()));
        Assert.That(s["vRow"], Is.EqualTo(s1["vRow"].Concat(s2["vRow"]).ToArray()));
        Assert.That(s["vColumn"], Is.EqualTo(s1["vColumn"].Concat(s2["vColumn"]).ToArray()));
    }
}
