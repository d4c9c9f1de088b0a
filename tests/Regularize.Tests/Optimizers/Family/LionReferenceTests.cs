namespace Regularize.Tests.Optimizers.Family;

public class LionReferenceTests
{
    private static readonly FamilyConfig Lion = FamilyConfig.Defaults("Lion") with { LearningRate = 1.0 / 1024 };

    [Test]
    public void EveryElementMovesByExactlyTheLearningRate()
    {
        // θ on a grid of 2⁻¹⁰ and γ = 2⁻¹⁰: θ − γ·sign(c) is exact, so |Δθ| must equal γ bit for bit.
        var theta = FamilyTestData.Normal(101, 1).Select(x => MathF.Round(x * 1024) / 1024).ToArray();
        var s = new FamilyState();
        for (int t = 0; t < 20; t++)
        {
            var before = (float[])theta.Clone();
            var g = FamilyTestData.Normal(theta.Length, 100 + (ulong)t);
            for (int i = 0; i < g.Length; i++) g[i] += 0.5f * theta[i];
            LionReference.Step(Lion, theta, g, s);
            for (int i = 0; i < theta.Length; i++)
                Assert.That(MathF.Abs(theta[i] - before[i]), Is.EqualTo(1f / 1024), $"step {t + 1}, element {i}");
        }
    }

    [Test]
    public void DecayIsDecoupledLearningRateTimesLambdaAndStaysOutOfTheMomentum()
    {
        var theta0 = FamilyTestData.Normal(33, 2);
        var plain = (float[])theta0.Clone();
        var decayed = (float[])theta0.Clone();
        var sPlain = new FamilyState();
        var sDecayed = new FamilyState();
        var config = Lion with { LearningRate = 0.01, WeightDecay = 0.5 };
        for (int t = 0; t < 5; t++)
        {
            var g = FamilyTestData.Normal(theta0.Length, 200 + (ulong)t);
            var before = (float[])decayed.Clone();
            var mBefore = (float[])sDecayed.Slot("m", g.Length).Clone();
            LionReference.Step(config with { WeightDecay = 0 }, plain, g, sPlain);
            LionReference.Step(config, decayed, g, sDecayed);
            // The momentum sees only gradients: identical with and without decay.
            Assert.That(sDecayed["m"], Is.EqualTo(sPlain["m"]));
            for (int i = 0; i < g.Length; i++)
            {
                double c = 0.9 * mBefore[i] + 0.1 * g[i];
                double expected = before[i] * (1 - 0.01 * 0.5) - 0.01 * Math.Sign(c);  // θ(1 − γλ) − γ sign(c)
                Assert.That(decayed[i], Is.EqualTo(expected).Within(2e-7 * Math.Abs(expected) + 1e-9), $"step {t + 1}, element {i}");
            }
        }
    }

    [Test]
    public void TheSignComesFromTheBeta1InterpolationAndTheMomentumFromBeta2()
    {
        var theta = new[] { 0f };
        var s = new FamilyState();
        var config = Lion with { LearningRate = 0.25 };
        LionReference.Step(config, theta, [1f], s);          // c = 0.1 > 0: θ = −0.25;  m = 0.01
        Assert.That(theta[0], Is.EqualTo(-0.25f));
        Assert.That(s["m"][0], Is.EqualTo(0.01f).Within(1e-9));
        // g = −0.5: β₁-interpolation 0.9·0.01 − 0.05 < 0 (θ goes up); a β₂-interpolation would be 0.0049 > 0.
        LionReference.Step(config, theta, [-0.5f], s);
        Assert.That(theta[0], Is.EqualTo(0f));
        Assert.That(s["m"][0], Is.EqualTo(0.0049f).Within(1e-9));
    }
}
