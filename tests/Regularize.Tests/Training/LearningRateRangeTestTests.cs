using Regularize.Data;
using Regularize.Optimizers;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class LearningRateRangeTestTests
{
    [Test]
    public void RatesGrowGeometricallyTheCurveIsSmoothedAndTheWeightsComeBack()
    {
        var model = TrainingRig.Mlp(2);
        var optimizer = new Sgd(model.Parameters(), 0.01);
        var before = TrainingRig.Weights(model);
        var result = LearningRateRangeTest.Run(model, optimizer, new DataLoader(TrainingRig.Data(64, 1), 8, seed: 1), 1e-4, 1e2, steps: 40,
            smoothing: 0.9, divergence: 4);
        var p = result.Points;
        Assert.That(p[0].LearningRate, Is.EqualTo(1e-4).Within(1e-18));
        for (int i = 1; i < p.Count; i++) Assert.That(p[i].LearningRate / p[i - 1].LearningRate, Is.EqualTo(Math.Pow(1e6, 1.0 / 39)).Within(1e-9));
        double a = 0;
        for (int i = 0; i < p.Count; i++)
        {
            a = 0.9 * a + 0.1 * p[i].Loss;
            Assert.That(p[i].SmoothedLoss, Is.EqualTo(a / (1 - Math.Pow(0.9, i + 1))).Within(1e-12));
        }
        Assert.That(result.Diverged, Is.True, "lr up to 100 blows SGD up");
        Assert.That(p[^1].SmoothedLoss, Is.GreaterThan(4 * p.Min(q => q.SmoothedLoss)));
        var (steepest, minOverTen) = LearningRateRangeTest.Suggest(p);
        Assert.That(result.Steepest, Is.EqualTo(steepest));
        Assert.That(minOverTen, Is.EqualTo(p.MinBy(q => q.SmoothedLoss)!.LearningRate / 10));
        Assert.That(TrainingRig.Weights(model), Is.EqualTo(before), "restoreWeights puts the weights back");
        Assert.That(optimizer.ParameterGroups[0].LearningRate, Is.EqualTo(0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateRangeTest.Run(model, optimizer, new DataLoader(TrainingRig.Data(8, 1), 8), 1, 0.5));
    }
}
