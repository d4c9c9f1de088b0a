using Regularize.Data;
using Regularize.Serialization;
using Regularize.Tests.Serialization;
using Regularize.Training;

namespace Regularize.Tests.Training;

/// <summary>Trainer.SaveCheckpoint / LoadCheckpoint: a fit interrupted after an epoch and resumed in fresh objects
/// gives the same bits and the same metrics as a fit that never stopped.</summary>
public class TrainerCheckpointTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = CheckpointTestModels.NewFolder("trainer-ckpt");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    /// <summary>The rig's MLP (BatchNorm, Dropout) with AdamW over two groups, a cosine schedule and a shuffling loader.</summary>
    private sealed class Run
    {
        public Run(ulong modelSeed)
        {
            Rig = new CheckpointRig(modelSeed);
            Trainer = new Trainer(Rig.Model, Rig.Optimizer, [Rig.Lr]);
        }

        public CheckpointRig Rig { get; }

        public Trainer Trainer { get; }

        public CheckpointData Capture() =>
            CheckpointData.Capture(Trainer.Progress, Rig.Model, Rig.Optimizer, [Rig.Lr], Rig.Loader);
    }

    private static readonly InMemoryDataset Test = CheckpointRig.Dataset();

    private static object[] Numbers(EpochMetrics m) =>
        [m.Epoch, m.Steps, m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy, m.WeightNorm, m.DecayedWeightNorm, m.LearningRate, m.WeightDecay, m.Diverged];

    [Test]
    public void AFitResumedFromAnEpochCheckpointGivesTheSameBitsAsOneThatNeverStopped()
    {
        var straight = new Run(1);
        var expected = straight.Trainer.Fit(straight.Rig.Loader, Test, 4);

        string path = Path.Combine(_dir, "run.ckpt");
        var first = new Run(1);
        first.Trainer.EpochEnded += (_, e) => first.Trainer.SaveCheckpoint(path, first.Rig.Loader,
            new Dictionary<string, string> { ["epoch"] = e.Metrics.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var before = first.Trainer.Fit(first.Rig.Loader, Test, 1).Concat(first.Trainer.Fit(first.Rig.Loader, Test, 1)).ToList();
        Assert.That(before.Select(m => m.Epoch), Is.EqualTo(new[] { 1, 2 }), "a second Fit numbers its epochs on");

        var resumed = new Run(99); // other initial weights: everything must come from the file
        CheckpointInfo info = resumed.Trainer.LoadCheckpoint(path, resumed.Rig.Loader);
        Assert.That(info.Progress, Is.EqualTo(new TrainingProgress(2, expected[1].Steps)));
        Assert.That(info.Metadata["epoch"], Is.EqualTo("2"));
        Assert.That(resumed.Trainer.EpochCount, Is.EqualTo(2));
        Assert.That(resumed.Trainer.StepCount, Is.EqualTo(expected[1].Steps));

        var starts = new List<string>();
        resumed.Trainer.EpochStarted += (_, e) => starts.Add($"{e.Epoch}/{e.Epochs}");
        var after = resumed.Trainer.Fit(resumed.Rig.Loader, Test, 2);
        Assert.That(starts, Is.EqualTo(new[] { "3/4", "4/4" }));

        var all = before.Concat(after).ToList();
        for (int e = 0; e < 4; e++) Assert.That(Numbers(all[e]), Is.EqualTo(Numbers(expected[e])), $"epoch {e + 1}");
        Assert.That(resumed.Capture().Differences(straight.Capture()), Is.Empty);
        Assert.That(new Run(99).Capture().Differences(straight.Capture()), Is.Not.Empty, "the comparison can fail");
    }

    [Test]
    public void ACheckpointThatDoesNotFitChangesNeitherTheObjectsNorTheCounters()
    {
        string path = Path.Combine(_dir, "run.ckpt");
        var first = new Run(1);
        first.Trainer.Fit(first.Rig.Loader, Test, 1);
        first.Trainer.SaveCheckpoint(path, first.Rig.Loader);

        var other = new Run(2);
        other.Trainer.Fit(other.Rig.Loader, Test, 1);
        var smallerBatches = new DataLoader(CheckpointRig.Dataset(), CheckpointRig.BatchSize + 1, shuffle: true, seed: 11);
        var before = other.Capture();
        var e = Assert.Throws<CheckpointMismatchException>(() => other.Trainer.LoadCheckpoint(path, smallerBatches))!;
        Assert.That(e.Message, Does.Contain("batch"));
        Assert.That(other.Capture().Differences(before), Is.Empty);
        Assert.That(other.Trainer.Progress, Is.EqualTo(before.Progress));
    }

    [Test]
    public void ATrainerBuiltFromDelegatesCannotCheckpoint()
    {
        var rig = new CheckpointRig(1);
        var trainer = new Trainer(rig.Model.Forward, t => rig.Model.Train(t), rig.Model.Parameters().ToList(), rig.Groups,
            rig.Optimizer.Step, () => rig.Optimizer.ZeroGrad(), null, null);
        string path = Path.Combine(_dir, "x.ckpt");
        Assert.Throws<InvalidOperationException>(() => trainer.SaveCheckpoint(path));
        Assert.Throws<InvalidOperationException>(() => trainer.LoadCheckpoint(path));
        Assert.That(File.Exists(path), Is.False);
    }
}
