using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Serialization;
using Regularize.Tensors;
using Regularize.Tests.Serialization;
using Regularize.Training;

namespace Regularize.Tests.Training;

/// <summary>
/// Trainer with an <see cref="IEvaluationWeights"/> optimizer (Schedule-Free AdamW on the checkpoint rig's MLP with
/// BatchNorm and Dropout): it evaluates, keeps and saves the evaluation weights x, and trains exactly as a loop that
/// never switches. The expected values come from a hand-written loop and the optimizer's own switch.
/// </summary>
public class TrainerEvaluationWeightsTests
{
    private static readonly InMemoryDataset Test = CheckpointRig.Dataset();

    private static CheckpointRig Rig(ulong seed = 1) => new(seed, "ScheduleFreeAdamW");

    private static Trainer TrainerOf(CheckpointRig rig) => new(rig.Model, rig.Optimizer, [rig.Lr]);

    private static ScheduleFreeAdamW Optimizer(CheckpointRig rig) => (ScheduleFreeAdamW)rig.Optimizer;

    /// <summary>The trainer's step, written out by hand, for whole epochs, with no evaluation and no switch.</summary>
    private static void TrainByHand(CheckpointRig rig, int epochs)
    {
        rig.Model.Train(true);
        for (int e = 0; e < epochs; e++)
        {
            foreach (Batch batch in rig.Loader)
            {
                using var scope = TensorScope.Begin();
                Tensor loss = Losses.CrossEntropy(rig.Model.Forward(batch.Inputs), batch.Labels);
                rig.Optimizer.ZeroGrad();
                loss.Backward();
                rig.Optimizer.Step();
                rig.Lr.Step();
            }
        }
    }

    /// <summary>x by hand: the optimizer's switch, then the BatchNorm statistics measured at x (Dropout's generator put back).</summary>
    private static void UseEvaluationWeightsByHand(CheckpointRig rig)
    {
        Optimizer(rig).UseEvaluationWeights();
        var dropout = rig.Model.NamedModules().Select(m => m.Module).OfType<Dropout>().Single();
        var generator = dropout.GetRngState();
        Assert.That(BatchNormStatistics.Update(rig.Model, rig.Loader.Dataset, CheckpointRig.BatchSize), Is.EqualTo(1));
        dropout.SetRngState(generator);
    }

    private static Dictionary<string, uint[]> ParameterBits(Module model) =>
        model.NamedParameters().ToDictionary(p => p.Name, p => CheckpointTestModels.Bits(p.Parameter.Value));

    [Test]
    public void TheReportedTestFiguresAreThoseOfTheEvaluationWeights()
    {
        var rig = Rig();
        var metrics = TrainerOf(rig).Fit(rig.Loader, Test, 2);

        var hand = Rig();
        TrainByHand(hand, 2);
        var atY = Evaluator.Evaluate(hand.Model, Test);
        UseEvaluationWeightsByHand(hand);
        var atX = Evaluator.Evaluate(hand.Model, Test);

        Assert.That(metrics[1].TestLoss, Is.EqualTo(atX.Loss), "the trainer evaluates at x, with BatchNorm statistics of x");
        Assert.That(metrics[1].TestAccuracy, Is.EqualTo(atX.Accuracy));
        Assert.That(atX.Loss, Is.Not.EqualTo(atY.Loss), "x and y give different figures, so the comparison can fail");
        Assert.That(metrics[1].TestLoss, Is.Not.EqualTo(atY.Loss));
    }

    [Test]
    public void TrainingWithEvaluationsIsBitIdenticalToTrainingWithoutAndEndsAtX()
    {
        var rig = Rig();
        var trainer = TrainerOf(rig);
        trainer.Fit(rig.Loader, Test, 2);
        trainer.Fit(rig.Loader, Test, 1);   // a second Fit starts from x in the model and must go back to y
        Assert.That(trainer.UsesEvaluationWeights, Is.True, "Fit leaves the evaluation weights in the model");

        var hand = Rig();
        TrainByHand(hand, 3);
        Assert.That(ParameterBits(rig.Model), Is.Not.EqualTo(ParameterBits(hand.Model)), "the model holds x, not y");
        var handDropout = hand.Model.NamedModules().Select(m => m.Module).OfType<Dropout>().Single().GetRngState();
        UseEvaluationWeightsByHand(hand);
        Assert.That(CheckpointTestModels.Bits(rig.Model), Is.EqualTo(CheckpointTestModels.Bits(hand.Model)),
            "parameters (x) and BatchNorm statistics (measured at x) as by hand");
        Assert.That(rig.Model.NamedModules().Select(m => m.Module).OfType<Dropout>().Single().GetRngState(), Is.EqualTo(handDropout),
            "the statistics pass leaves the Dropout masks alone");

        Optimizer(rig).UseTrainingWeights();
        Optimizer(hand).UseTrainingWeights();
        Assert.That(ParameterBits(rig.Model), Is.EqualTo(ParameterBits(hand.Model)), "y is exactly the y of a loop that never switched");
        var ours = CheckpointData.Capture(trainer.Progress, rig.Model, rig.Optimizer, [rig.Lr]);
        var theirs = CheckpointData.Capture(trainer.Progress, hand.Model, hand.Optimizer, [hand.Lr]);
        Assert.That(ours.Differences(theirs).Where(d => !d.Contains("running_", StringComparison.Ordinal) && !d.Contains("num_batches", StringComparison.Ordinal)),
            Is.Empty, "the optimizer state (z, v, lrMax, weightSum, step) and the schedule as by hand");
    }

    [Test]
    public void EvaluatingBetweenBatchesSwitchesAndTheNextBatchSwitchesBack()
    {
        var rig = Rig();
        var trainer = TrainerOf(rig);
        var seen = new List<bool>();
        trainer.BatchEnded += (_, e) =>
        {
            if (e.Batch != 2) return;
            trainer.Evaluate(Test);
            seen.Add(trainer.UsesEvaluationWeights);
        };
        trainer.Callbacks.Add(new Probe(seen));
        trainer.Fit(rig.Loader, null, 1);
        Assert.That(seen, Is.EqualTo(new[] { false, false, true, false, false, false, false, false, true }),
            "y at every step, x after Evaluate until the next batch, x at the epoch's end without a test set");

        var hand = Rig();
        TrainByHand(hand, 1);
        UseEvaluationWeightsByHand(hand);
        Assert.That(CheckpointTestModels.Bits(rig.Model), Is.EqualTo(CheckpointTestModels.Bits(hand.Model)));
    }

    /// <summary>Records at each OnStepEnd and at OnEpochEnd whether the evaluation weights are in place.</summary>
    private sealed class Probe(List<bool> seen) : TrainerCallback
    {
        public override void OnStepEnd(TrainingStep step) => seen.Add(step.Trainer.UsesEvaluationWeights);

        public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics) => seen.Add(trainer.UsesEvaluationWeights);
    }

    [Test]
    public void EarlyStoppingKeepsAndRestoresTheEvaluationWeightsOfTheBestEpoch()
    {
        var rig = Rig();
        var trainer = TrainerOf(rig);
        var stopping = new EarlyStopping(new MonitoredMetric("second epoch best", m => m.Epoch == 2 ? 0 : 1, false), patience: 5);
        trainer.Callbacks.Add(stopping);
        trainer.Fit(rig.Loader, Test, 3);
        Assert.That(stopping.BestEpoch, Is.EqualTo(2));

        var hand = Rig();
        TrainByHand(hand, 2);
        var y = ParameterBits(hand.Model);
        UseEvaluationWeightsByHand(hand);
        Assert.That(CheckpointTestModels.Bits(rig.Model), Is.EqualTo(CheckpointTestModels.Bits(hand.Model)), "x of epoch 2 and its statistics");
        Assert.That(ParameterBits(rig.Model), Is.Not.EqualTo(y), "not y of epoch 2");
    }

    [Test]
    public void ACheckpointSavedWithTheEvaluationWeightsInPlaceHoldsYAndResumesBitIdentically()
    {
        string dir = CheckpointTestModels.NewFolder("sf-ckpt");
        try
        {
            string path = Path.Combine(dir, "run.ckpt");
            var straight = Rig();
            var straightTrainer = TrainerOf(straight);
            var expected = straightTrainer.Fit(straight.Loader, Test, 3);

            var first = Rig();
            var firstTrainer = TrainerOf(first);
            firstTrainer.EpochEnded += (_, _) => firstTrainer.SaveCheckpoint(path, first.Loader);
            var before = firstTrainer.Fit(first.Loader, Test, 1);
            Assert.That(firstTrainer.UsesEvaluationWeights, Is.True, "the checkpoint was saved with x in the model");
            var x = CheckpointTestModels.Bits(first.Model);
            var y = first.Model.NamedParameters().ToDictionary(p => p.Name,
                p => Optimizer(first).TrainingWeights(p.Parameter).ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray());
            Assert.That(CheckpointTestModels.Bits(first.Model), Is.EqualTo(x), "saving does not change the model");

            var resumed = Rig(99);
            var resumedTrainer = TrainerOf(resumed);
            resumedTrainer.LoadCheckpoint(path, resumed.Loader);
            Assert.That(resumedTrainer.UsesEvaluationWeights, Is.False, "a checkpoint is the training point");
            Assert.That(ParameterBits(resumed.Model), Is.EqualTo(y), "the file holds y");
            Assert.That(y, Is.Not.EqualTo(ParameterBits(first.Model)), "y is not x, so the comparison can fail");
            var after = resumedTrainer.Fit(resumed.Loader, Test, 2);

            var all = before.Concat(after).ToList();
            for (int e = 0; e < 3; e++)
            {
                Assert.That(all[e].TestLoss, Is.EqualTo(expected[e].TestLoss), $"epoch {e + 1} test loss");
                Assert.That(all[e].TrainLoss, Is.EqualTo(expected[e].TrainLoss), $"epoch {e + 1} train loss");
                Assert.That(all[e].WeightNorm, Is.EqualTo(expected[e].WeightNorm), $"epoch {e + 1} weight norm");
            }
            Assert.That(CheckpointTestModels.Bits(resumed.Model), Is.EqualTo(CheckpointTestModels.Bits(straight.Model)), "x and its statistics");
            var end = CheckpointData.Capture(resumedTrainer.Progress, resumed.Model, resumed.Optimizer, [resumed.Lr], resumed.Loader);
            var reference = CheckpointData.Capture(straightTrainer.Progress, straight.Model, straight.Optimizer, [straight.Lr], straight.Loader);
            Assert.That(end.Differences(reference), Is.Empty);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
