namespace Regularize.Tests.Optimizers.Family;

public class LarsReferenceTests
{
    private static readonly FamilyConfig Lars = FamilyConfig.Defaults("LARS") with { LearningRate = 0.1, Momentum = 0.9 };

    [Test]
    public void AnExcludedTensorWithoutDecayIsSgdWithMomentum()
    {
        var theta = FamilyTestData.Normal(100, 7);
        var sgd = (float[])theta.Clone();
        var s = new FamilyState();
        var refState = new RefState();
        var sgdConfig = new RefConfig { Optimizer = "Sgd", LearningRate = 0.1, Momentum = 0.9 };
        for (int t = 0; t < 20; t++)
        {
            var g = FamilyTestData.Normal(theta.Length, 700 + (ulong)t);
            LarsReference.Step(Lars with { LayerAdaptation = false }, theta, g, s);
            ReferenceOptimizers.Sgd(sgdConfig, sgd, g, refState);
            // b_LARS = γ·b_torch with a constant γ; the weights agree to float rounding.
            for (int i = 0; i < theta.Length; i++)
                Assert.That(theta[i], Is.EqualTo(sgd[i]).Within(1e-5 * Math.Abs(sgd[i]) + 1e-6), $"step {t + 1}, element {i}");
        }
    }

    [Test]
    public void TheLocalLearningRateIsEtaNormThetaOverNormGradientPlusLambdaNormTheta()
    {
        var theta = FamilyTestData.Normal(33, 8);
        var before = theta.Select(x => (double)x).ToArray();
        var g = FamilyTestData.Normal(theta.Length, 9, 3f);
        var config = Lars with { WeightDecay = 0.01, Epsilon = 1e-9 };
        LarsReference.Step(config, theta, g, new FamilyState());
        double wNorm = FamilyTestData.Norm(before), gNorm = FamilyTestData.Norm(g.Select(x => (double)x));
        double q = 1e-3 * wNorm / (gNorm + 0.01 * wNorm + 1e-9);
        for (int i = 0; i < theta.Length; i++)
        {
            double expected = before[i] - 0.1 * q * (g[i] + 0.01 * before[i]);   // θ − γq(g + λθ), b₀ = 0
            Assert.That(theta[i], Is.EqualTo(expected).Within(1e-7 * Math.Abs(expected) + 1e-9), $"element {i}");
        }
    }

    [Test]
    public void AZeroThetaTakesLocalLearningRateOne()
    {
        var theta = new float[7];
        var g = FamilyTestData.Normal(theta.Length, 10);
        LarsReference.Step(Lars, theta, g, new FamilyState());
        for (int i = 0; i < theta.Length; i++) Assert.That(theta[i], Is.EqualTo(-0.1f * g[i]), $"element {i}");
    }
}
