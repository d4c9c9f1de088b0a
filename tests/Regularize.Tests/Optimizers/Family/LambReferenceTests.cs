namespace Regularize.Tests.Optimizers.Family;

public class LambReferenceTests
{
    private static readonly FamilyConfig Lamb = FamilyConfig.Defaults("LAMB") with { LearningRate = 0.01, WeightDecay = 0.1, Epsilon = 1e-8 };

    [Test]
    public void WithTheTrustRatioOffItIsAdamWWithDecayInTheUpdate()
    {
        var theta = FamilyTestData.Normal(100, 3);
        var adamW = (float[])theta.Clone();
        var s = new FamilyState();
        var refState = new RefState();
        var adamWConfig = new RefConfig { Optimizer = "AdamW", LearningRate = 0.01, WeightDecay = 0.1, Epsilon = 1e-8 };
        for (int t = 0; t < 20; t++)
        {
            var g = FamilyTestData.Normal(theta.Length, 300 + (ulong)t);
            LambReference.Step(Lamb with { LayerAdaptation = false }, theta, g, s);
            ReferenceOptimizers.Adam(adamWConfig, adamW, g, refState);
            // The same moments: Adam fuses β₁m + (1 − β₁)g into one multiply-add as torch does, LAMB (its paper) rounds twice.
            // Within a few float ulps of each slot's largest element (elements near 0 are where the roundings cancel).
            float[] mRef = refState.M!, vRef = refState.V!;
            double mScale = mRef.Max(MathF.Abs), vScale = vRef.Max(MathF.Abs);
            for (int i = 0; i < theta.Length; i++)
            {
                Assert.That(s["m"][i], Is.EqualTo(mRef[i]).Within(1e-6 * mScale), $"step {t + 1}: m[{i}]");
                Assert.That(s["v"][i], Is.EqualTo(vRef[i]).Within(1e-6 * vScale), $"step {t + 1}: v[{i}]");
            }
            // θ − γ(r + λθ) vs θ(1 − γλ) − γr: the same update, rounded in a different order.
            for (int i = 0; i < theta.Length; i++)
                Assert.That(theta[i], Is.EqualTo(adamW[i]).Within(1e-6 * Math.Abs(adamW[i]) + 1e-7), $"step {t + 1}, element {i}");
        }
    }

    [Test]
    public void TheStepIsLearningRateTimesNormOfThetaAlongRWithTheDecayInside()
    {
        var theta = FamilyTestData.Normal(33, 4);
        var before = theta.Select(x => (double)x).ToArray();
        var g = FamilyTestData.Normal(theta.Length, 5);
        var s = new FamilyState();
        LambReference.Step(Lamb with { WeightDecay = 0.5 }, theta, g, s);
        var delta = theta.Select((x, i) => x - before[i]).ToArray();
        Assert.That(FamilyTestData.Norm(delta), Is.EqualTo(0.01 * FamilyTestData.Norm(before)).Within(1e-3).Percent); // θ rounds to ~6e-8 of a step of ~0.01
        // Step 1: m̂ = g, v̂ = g², so r = g/(|g| + ε) + λθ; the step is −r's direction, and not that of r without λθ.
        var r = g.Select((x, i) => x / (Math.Abs((double)x) + 1e-8) + 0.5 * before[i]).ToArray();
        var rNoDecay = g.Select(x => x / (Math.Abs((double)x) + 1e-8)).ToArray();
        Assert.That(FamilyTestData.Cosine(delta, r), Is.EqualTo(-1).Within(1e-6));
        Assert.That(FamilyTestData.Cosine(delta, rNoDecay), Is.GreaterThan(-0.99));
    }

    [Test]
    public void AZeroThetaTakesTrustRatioOne()
    {
        var theta = new float[7];
        var g = FamilyTestData.Normal(theta.Length, 6);
        LambReference.Step(Lamb, theta, g, new FamilyState());
        for (int i = 0; i < theta.Length; i++)
            Assert.That(theta[i], Is.EqualTo(-0.01 * g[i] / (Math.Abs(g[i]) + 1e-8)).Within(1e-9), $"element {i}");
    }
}
