using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Serialization;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class TrainerCallbackTests
{
    private sealed class Log : TrainerCallback
    {
        public List<string> Lines { get; } = [];

        public override void OnFitStart(Trainer trainer, DataLoader train, int epochs) => Lines.Add($"fit {epochs}");
        public override void OnEpochStart(Trainer trainer, int epoch) => Lines.Add($"epoch {epoch}");
        public override void OnBatchStart(TrainingStep step) => Lines.Add($"batch {step.BatchNumber} zero={step.ZeroGradients}");
        public override void OnLossComputed(TrainingStep step) => Lines.Add($"loss {step.Loss!.Length}");
        public override void OnAfterBackward(TrainingStep step) => Lines.Add($"backward grad={step.Trainer.Parameters[0].Grad is not null}");
        public override void OnStepEnd(TrainingStep step) => Lines.Add($"step {step.StepCount}");
        public override void OnEvaluating(Trainer trainer) => Lines.Add("evaluating");
        public override void OnEvaluated(Trainer trainer, Evaluation evaluation) => Lines.Add($"evaluated {evaluation.Count}");
        public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics) => Lines.Add($"end {metrics.Epoch}");
        public override void OnFitEnd(Trainer trainer, IReadOnlyList<EpochMetrics> history) => Lines.Add($"done {history.Count}");
    }

    [Test]
    public void CallbacksSeeEveryPointOfAStepInOrder()
    {
        var (_, trainer) = TrainingRig.SgdTrainer();
        var log = new Log();
        trainer.Callbacks.Add(log);
        trainer.Fit(new DataLoader(TrainingRig.Data(4, 1), 2, shuffle: false), TrainingRig.Data(3, 2), 1);
        Assert.That(log.Lines, Is.EqualTo(new[]
        {
            "fit 1", "epoch 1",
            "batch 1 zero=True", "loss 1", "backward grad=True", "step 1",
            "batch 2 zero=True", "loss 1", "backward grad=True", "step 2",
            "evaluating", "evaluated 3", "end 1", "done 1",
        }));
    }

    private sealed class StopAfter(int batches) : TrainerCallback
    {
        public override void OnStepEnd(TrainingStep step)
        {
            if (step.StepCount == batches) step.Trainer.Stop();
        }
    }

    [Test]
    public void StopEndsTheEpochAfterTheCurrentBatchAndTheLoaderIsAtAnEpochBoundary()
    {
        var (_, trainer) = TrainingRig.SgdTrainer();
        trainer.Callbacks.Add(new StopAfter(2));
        var loader = new DataLoader(TrainingRig.Data(20, 1), 4, seed: 5);
        var history = trainer.Fit(loader, TrainingRig.Data(5, 2), 10);
        Assert.That(history, Has.Count.EqualTo(1));
        Assert.That(history[0].Steps, Is.EqualTo(2));
        Assert.That(history[0].TestLoss, Is.Not.NaN, "the stopped epoch is still evaluated");
        Assert.That((loader.Epoch, loader.Position), Is.EqualTo((1, 0)));
        Assert.That(trainer.StopRequested, Is.True);
        Assert.That(trainer.Fit(loader, null, 1)[0].Steps, Is.EqualTo(2 + 5), "a later Fit starts afresh and runs a whole epoch of 5 batches");
    }

    [Test]
    public void CountersWithoutRoomAreRefusedBeforeAnythingTrains()
    {
        // The overflow of #16: progress.epoch or loader.epoch at int.MaxValue made Fit throw OverflowException midway.
        string dir = Path.Combine(Path.GetTempPath(), "regularize-room-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var (model, trainer) = TrainingRig.SgdTrainer();
            var loader = new DataLoader(TrainingRig.Data(8, 1), 4, seed: 5);
            string path = Path.Combine(dir, "full.ckpt");
            // A checkpoint cannot carry a counter without room to train (CheckpointData.MaxEpoch, MaxStep) ...
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                TrainingCheckpoint.Save(path, new TrainingProgress(int.MaxValue, 5), model, trainer.Optimizer!, [], null));
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                TrainingCheckpoint.Save(path, new TrainingProgress(0, long.MaxValue - 1), model, trainer.Optimizer!, [], null));

            // ... and Fit refuses, before anything trains, a number of epochs that would take its counter past the top.
            TrainingCheckpoint.Save(path, new TrainingProgress(CheckpointData.MaxEpoch, 5), model, trainer.Optimizer!, [], null);
            trainer.LoadCheckpoint(path);
            var before = TrainingRig.Weights(model);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(loader, null, int.MaxValue))!;
            Assert.That(e.ParamName, Is.EqualTo("epochs"));
            Assert.That(e.Message, Does.Contain("2147483647"));
            Assert.That(TrainingRig.Weights(model), Is.EqualTo(before));

            var (_, fresh) = TrainingRig.SgdTrainer();
            loader.SetState(new DataLoaderState(int.MaxValue, 0, loader.GetState().RngState));
            var l = Assert.Throws<ArgumentException>(() => fresh.Fit(loader, null, 1))!;
            Assert.That(l.ParamName, Is.EqualTo("train"));
            Assert.That(l.Message, Does.Contain("loader is at epoch 2147483647"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void RegressionTargetsTrainWithMeanSquaredError()
    {
        // y = 2·x₀ − x₁ + 0.5: a linear layer learns it; accuracy is NaN for regression.
        var rng = new Rng(3);
        var x = new float[64 * 2];
        var y = new float[64];
        for (int i = 0; i < 64; i++)
        {
            x[2 * i] = (float)rng.NextNormal();
            x[2 * i + 1] = (float)rng.NextNormal();
            y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5f;
        }
        var data = new TargetDataset(Tensor.FromArray(x, 64, 2), Tensor.FromArray(y, 64, 1), TargetKind.Regression);
        var model = new Linear(2, 1, seed: 4);
        var trainer = new Trainer(model, new Sgd(model.Parameters(), 0.1));
        var before = trainer.Evaluate(data);
        var manual = Losses.MeanSquaredError(model.Forward(Tensor.FromArray(x, 64, 2)), Tensor.FromArray(y, 64, 1)).Item();
        Assert.That(before.Loss, Is.EqualTo(manual).Within(1e-6), "the default loss of regression targets is the MSE");
        var history = trainer.Fit(new DataLoader(data, 16, seed: 1), data, 30);
        Assert.That(history[^1].TrainAccuracy, Is.NaN);
        Assert.That(model.Weight.Value.ToArray(), Is.EqualTo(new[] { 2f, -1f }).Within(1e-3f));
        Assert.That(model.Bias!.Value.Item(), Is.EqualTo(0.5f).Within(1e-3f));
    }

    [Test]
    public void MultiLabelTargetsTrainWithBinaryCrossEntropyAndCountAgreeingIndicators()
    {
        var rng = new Rng(5);
        int n = 64;
        var x = new float[n * 3];
        var t = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) x[3 * i + j] = (float)rng.NextNormal();
            t[2 * i] = x[3 * i] > 0 ? 1 : 0;
            t[2 * i + 1] = x[3 * i + 1] + x[3 * i + 2] > 0 ? 1 : 0;
        }
        var data = new TargetDataset(Tensor.FromArray(x, n, 3), Tensor.FromArray(t, n, 2), TargetKind.MultiLabel);
        var model = new Linear(3, 2, seed: 6);
        var trainer = new Trainer(model, new Adam(model.Parameters(), 0.05));
        var logits = model.Forward(Tensor.FromArray(x, n, 3));
        double agree = 0;
        for (int i = 0; i < 2 * n; i++) agree += (logits.Span[i] > 0) == (t[i] > 0.5f) ? 1 : 0;
        var before = trainer.Evaluate(data);
        Assert.That(before.Accuracy, Is.EqualTo(agree / (2 * n)).Within(1e-12));
        Assert.That(before.Loss, Is.EqualTo(Losses.BinaryCrossEntropyWithLogits(logits, Tensor.FromArray(t, n, 2)).Item()).Within(1e-6));
        var history = trainer.Fit(new DataLoader(data, 16, seed: 2), data, 40);
        Assert.That(history[^1].TestAccuracy, Is.GreaterThan(0.95));
    }
}
