using Regularize.Data;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class BatchMixingTests
{
    private sealed class LossProbe : TrainerCallback
    {
        public List<(double Loop, double SoftTarget)> Losses { get; } = [];

        public override void OnLossComputed(TrainingStep step) =>
            Losses.Add((step.LossValue, Regularize.Nn.Losses.CrossEntropy(step.Output!, step.Batch.Targets!).Item()));
    }

    [Test]
    public void TheTrainerTrainsOnTheMixedBatchWithCrossEntropyAgainstItsSoftTargets()
    {
        var (_, trainer) = TrainingRig.SgdTrainer();
        var mixer = new Mixup(3, alpha: 0.4, seed: 2);
        var probe = new LossProbe();
        trainer.Callbacks.Add(new BatchMixing(mixer));
        trainer.Callbacks.Add(probe);
        var test = TrainingRig.Data(12, 5);
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(24, 4), 8, seed: 1), test, 1);
        Assert.That(probe.Losses, Has.Count.EqualTo(3));
        foreach (var (loop, soft) in probe.Losses) Assert.That(loop, Is.EqualTo(soft), "the loss is the soft-target cross-entropy of the mixed batch");
        Assert.That(double.IsNaN(mixer.LastLambda), Is.False);
        Assert.That(history[0].TestLoss, Is.EqualTo(Evaluator.Evaluate(trainer.Model!, test).Loss).Within(1e-12), "evaluation is on unmixed data");
    }
}
