namespace Regularize.Tests.Optimizers.Family;

public class ScheduleFreeAdamWReferenceTests
{
    private static readonly FamilyConfig Config = FamilyConfig.Defaults("ScheduleFreeAdamW") with
    {
        LearningRate = 0.01, WeightDecay = 0.05, WarmupSteps = 5,
    };

    [Test]
    public void MatchesThePapersXYZFormWithGammaSquaredWeights()
    {
        const int n = 33, steps = 30;
        double b1 = Config.Beta1, b2 = Config.Beta2;
        var theta = FamilyTestData.Normal(n, 11);
        var s = new FamilyState();
        // Algorithm 1 in double, x and z explicit, y derived.
        var x = theta.Select(e => (double)e).ToArray();
        var z = (double[])x.Clone();
        var v = new double[n];
        double gammaSqSum = 0;
        for (int t = 1; t <= steps; t++)
        {
            var g = FamilyTestData.Normal(n, 1100 + (ulong)t);
            ScheduleFreeAdamWReference.Step(Config, theta, g, s);
            double gamma = Config.LearningRate * Math.Min(1.0, (double)t / Config.WarmupSteps) * Math.Sqrt(1 - Math.Pow(b2, t));
            gammaSqSum += gamma * gamma;
            double c = gamma * gamma / gammaSqSum;
            for (int i = 0; i < n; i++)
            {
                double y = (1 - b1) * z[i] + b1 * x[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                z[i] -= gamma * (g[i] / (Math.Sqrt(v[i]) + Config.Epsilon) + Config.WeightDecay * y);
                x[i] = (1 - c) * x[i] + c * z[i];
            }
            var yExpected = x.Select((e, i) => (1 - b1) * z[i] + b1 * e).ToArray();
            Assert.That(FamilyTestData.MaxRelative(theta, yExpected), Is.LessThan(1e-5), $"step {t}: y");
            Assert.That(FamilyTestData.MaxRelative(s["z"], z), Is.LessThan(1e-5), $"step {t}: z");
        }
        ScheduleFreeAdamWReference.ToEval(Config, theta, s);
        Assert.That(FamilyTestData.MaxRelative(theta, x), Is.LessThan(1e-4), "eval weights are x");
    }

    [Test]
    public void EvalThenTrainGivesBackTheTrainingPoint()
    {
        var theta = FamilyTestData.Normal(100, 12);
        var s = new FamilyState();
        ScheduleFreeAdamWReference.ToEval(Config, theta, s);  // before any step: nothing to switch
        Assert.That(theta, Is.EqualTo(FamilyTestData.Normal(100, 12)));
        for (int t = 0; t < 10; t++) ScheduleFreeAdamWReference.Step(Config, theta, FamilyTestData.Normal(100, 1200 + (ulong)t), s);
        var y = (float[])theta.Clone();
        ScheduleFreeAdamWReference.ToEval(Config, theta, s);
        Assert.That(theta, Is.Not.EqualTo(y));
        ScheduleFreeAdamWReference.ToTrain(Config, theta, s);
        for (int i = 0; i < y.Length; i++) Assert.That(theta[i], Is.EqualTo(y[i]).Within(1e-5 * Math.Abs(y[i]) + 1e-6), $"element {i}");
    }

    [Test]
    public void WithAZeroGradientTheFirstStepIsTheDecayGammaLambdaY()
    {
        var config = Config with { WarmupSteps = 0, WeightDecay = 0.5, LearningRate = 0.1 };
        var theta = FamilyTestData.Normal(7, 13);
        var before = (float[])theta.Clone();
        var s = new FamilyState();
        ScheduleFreeAdamWReference.Step(config, theta, new float[7], s);
        double gamma = 0.1 * Math.Sqrt(1 - config.Beta2);   // γ₁ = γ√(1 − β₂); c = 1 on the first step
        for (int i = 0; i < theta.Length; i++)
        {
            double expected = before[i] * (1 - gamma * 0.5);
            Assert.That(theta[i], Is.EqualTo(expected).Within(1e-7 * Math.Abs(expected)), $"y[{i}]");
            Assert.That(s["z"][i], Is.EqualTo(expected).Within(1e-7 * Math.Abs(expected)), $"z[{i}]");
        }
    }
}
