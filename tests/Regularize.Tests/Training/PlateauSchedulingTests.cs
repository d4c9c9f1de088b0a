using Regularize.Data;
using Regularize.Schedules;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class PlateauSchedulingTests
{
    [Test]
    public void TheMonitoredMetricDrivesTheLearningRate()
    {
        var (_, trainer) = TrainingRig.SgdTrainer(lr: 0.5);
        var groups = trainer.ParameterGroups;
        var plateau = new ReduceOnPlateau(groups, PlateauMode.Min, factor: 0.5, patience: 0);
        var fed = new List<double>();
        trainer.Callbacks.Add(new PlateauScheduling(plateau, MonitoredMetric.TestLoss));
        trainer.EpochEnded += (_, e) => fed.Add(e.Metrics.TestLoss);
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(32, 1), 8, seed: 2), TrainingRig.Data(16, 2), 6);

        // Replay the same metrics on a second plateau: the learning rates must agree.
        var replayGroups = new[] { new Regularize.Optimizers.ParameterGroup([new Regularize.Nn.Parameter(Regularize.Tensors.Tensor.Zeros(1), "p")]) { LearningRate = 0.5 } };
        var replay = new ReduceOnPlateau(replayGroups, PlateauMode.Min, factor: 0.5, patience: 0);
        foreach (double v in fed) replay.Step(v);
        Assert.That(groups[0].LearningRate, Is.EqualTo(replayGroups[0].LearningRate));
        Assert.That(plateau.LastStep, Is.EqualTo(6));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new PlateauScheduling(plateau, MonitoredMetric.TestAccuracy))!.Message,
            Does.Contain("PlateauMode.Max"));
        Assert.That(history, Has.Count.EqualTo(6));
    }
}
