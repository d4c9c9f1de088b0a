using Regularize.Data;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class EarlyStoppingTests
{
    [Test]
    public void StopsAfterPatienceBadEpochsAndRestoresTheBestWeights()
    {
        // A learning rate that is far too large makes the test loss bounce, so the best epoch is not the last.
        var (model, trainer) = TrainingRig.SgdTrainer(lr: 3.0);
        var stopping = new EarlyStopping(MonitoredMetric.TestLoss, patience: 2, restoreBestWeights: true);
        var weightsAtEpoch = new Dictionary<int, float[][]>();
        trainer.EpochEnded += (_, e) => weightsAtEpoch[e.Metrics.Epoch] = TrainingRig.Weights(model);
        trainer.Callbacks.Add(stopping);
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(64, 3), 8, seed: 1), TrainingRig.Data(32, 4), 30);

        var best = history.MinBy(m => m.TestLoss)!;
        Assert.That(stopping.BestEpoch, Is.EqualTo(best.Epoch));
        Assert.That(stopping.BestValue, Is.EqualTo(best.TestLoss));
        Assert.That(history.Count, Is.LessThan(30), "stopped early");
        Assert.That(stopping.StoppedEpoch, Is.EqualTo(history[^1].Epoch));
        Assert.That(history[^1].Epoch - best.Epoch, Is.EqualTo(2), "patience 2: two epochs without improvement");
        Assert.That(history.Where(m => m.Epoch > best.Epoch).All(m => m.TestLoss >= best.TestLoss));
        Assert.That(TrainingRig.Weights(model), Is.EqualTo(weightsAtEpoch[best.Epoch]), "the best epoch's weights are back");
        Assert.That(TrainingRig.Weights(model), Is.Not.EqualTo(weightsAtEpoch[history[^1].Epoch]));
        Assert.That(trainer.Evaluate(TrainingRig.Data(32, 4)).Loss, Is.EqualTo(best.TestLoss).Within(1e-12));
    }

    [Test]
    public void MinDeltaDecidesWhatCountsAsAnImprovement()
    {
        var metric = MonitoredMetric.TestLoss;
        Assert.That(metric.Improves(0.95, 1.0, 0.1), Is.False);
        Assert.That(metric.Improves(0.85, 1.0, 0.1), Is.True);
        Assert.That(MonitoredMetric.TestAccuracy.Improves(0.91, 0.9, 0), Is.True);
        Assert.That(metric.Improves(double.NaN, 1.0), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EarlyStopping(patience: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EarlyStopping(minDelta: -1));
    }
}
