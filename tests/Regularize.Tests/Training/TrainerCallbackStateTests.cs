using Regularize.Data;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Serialization;
using Regularize.Tensors;
using Regularize.Tests.Serialization;
using Regularize.Training;

namespace Regularize.Tests.Training;

/// <summary>
/// Trainer checkpoints with stateful callbacks (<see cref="TrainerCallback.ExportState"/>): for each built-in callback with
/// state, a fit of N epochs straight and a fit of M epochs, saved, loaded into freshly built objects (other initial
/// weights) and continued to N give the same bits: weights, optimizer state, callback state and every epoch's metrics.
/// </summary>
public class TrainerCallbackStateTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = CheckpointTestModels.NewFolder("callback-state");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static readonly InMemoryDataset Test = CheckpointRig.Dataset();

    /// <summary>Best at epoch 1 and never again (lower is better): a metric whose bookkeeping must survive a resume.</summary>
    private static readonly MonitoredMetric FirstEpochBest = new("first_epoch_best", m => m.Epoch == 1 ? 0 : 1, false);

    /// <summary>The rig's MLP with AdamW over two groups, a cosine schedule and a shuffling loader, with the callbacks of a case.</summary>
    private sealed class Run
    {
        public Run(ulong modelSeed, Func<Run, string, IEnumerable<TrainerCallback>> callbacks, string dir)
        {
            Rig = new CheckpointRig(modelSeed);
            Trainer = new Trainer(Rig.Model, Rig.Optimizer, [Rig.Lr]);
            foreach (var c in callbacks(this, dir)) Trainer.Callbacks.Add(c);
        }

        public CheckpointRig Rig { get; }

        public Trainer Trainer { get; }

        /// <summary>Everything the trainer saves (model, optimizer, schedulers, loader, callbacks), through a file.</summary>
        public CheckpointData State(string path)
        {
            Trainer.SaveCheckpoint(path, Rig.Loader);
            return CheckpointData.Read(path);
        }
    }

    private static object[] Numbers(EpochMetrics m) =>
        [m.Epoch, m.Steps, m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy, m.WeightNorm, m.DecayedWeightNorm, m.LearningRate, m.WeightDecay, m.Diverged];

    /// <summary>The callbacks of each case, built over a run's model; a <c>dir</c> of the run's own for files.</summary>
    private static readonly Dictionary<string, Func<Run, string, IEnumerable<TrainerCallback>>> Factories = new()
    {
        ["BatchMixing"] = (run, _) => [new BatchMixing(new Mixup(3, alpha: 0.4, seed: 7))],
        ["EarlyStopping"] = (run, _) => [new EarlyStopping(FirstEpochBest, patience: 3)],
        ["ExponentialMovingAverage"] = (run, _) => [new ExponentialMovingAverage(run.Rig.Model, decay: 0.9)],
        ["StochasticWeightAveraging"] = (run, _) => [new StochasticWeightAveraging(run.Rig.Model, startEpoch: 2, swaLearningRate: 0.005, annealEpochs: 2)],
        ["PlateauScheduling"] = (run, _) =>
            [new PlateauScheduling(new ReduceOnPlateau([run.Rig.Groups[0]], PlateauMode.Min, factor: 0.5, patience: 0, hyperparameter: Hyperparameter.WeightDecay),
                new MonitoredMetric("constant", _ => 1.0, false))],
        ["CheckpointSaver"] = (run, dir) => [new CheckpointSaver(Path.Combine(dir, "latest.ckpt"), bestPath: Path.Combine(dir, "best.ckpt"), metric: FirstEpochBest)],
        ["GradientAccumulation"] = (run, _) => [new GradientAccumulation(3)],
        ["All"] = (run, dir) =>
        [
            new GradientAccumulation(2),
            new BatchMixing(new Mixup(3, alpha: 0.4, seed: 7)),
            new ExponentialMovingAverage(run.Rig.Model, decay: 0.9),
            new EarlyStopping(FirstEpochBest, patience: 4),
            new CheckpointSaver(Path.Combine(dir, "latest.ckpt"), bestPath: Path.Combine(dir, "best.ckpt"), metric: FirstEpochBest),
        ],
    };

    [TestCase("BatchMixing", 4, 2)]
    [TestCase("EarlyStopping", 6, 2)]
    [TestCase("ExponentialMovingAverage", 4, 2)]
    [TestCase("StochasticWeightAveraging", 4, 3)]
    [TestCase("PlateauScheduling", 4, 2)]
    [TestCase("CheckpointSaver", 4, 2)]
    [TestCase("GradientAccumulation", 4, 2)]
    [TestCase("All", 6, 3)]
    public void AResumedFitGivesTheSameBits(string callbackCase, int total, int split)
    {
        var callbacks = Factories[callbackCase];
        var straight = new Run(1, callbacks, Folder("straight"));
        var expected = straight.Trainer.Fit(straight.Rig.Loader, Test, total);

        string path = Path.Combine(_dir, "run.ckpt");
        var first = new Run(1, callbacks, Folder("first"));
        first.Trainer.EpochEnded += (_, e) => first.Trainer.SaveCheckpoint(path, first.Rig.Loader);
        var before = first.Trainer.Fit(first.Rig.Loader, Test, split);
        Assert.That(before, Has.Count.EqualTo(split), "the case's split comes before any early stop");

        var resumed = new Run(99, callbacks, Folder("resumed")); // other initial weights: everything must come from the file
        resumed.Trainer.LoadCheckpoint(path, resumed.Rig.Loader);
        var after = resumed.Trainer.Fit(resumed.Rig.Loader, Test, total - split);

        var all = before.Concat(after).ToList();
        Assert.That(all.Select(m => m.Epoch), Is.EqualTo(expected.Select(m => m.Epoch)), "the same epochs, and an early stop at the same one");
        for (int e = 0; e < expected.Count; e++) Assert.That(Numbers(all[e]), Is.EqualTo(Numbers(expected[e])), $"epoch {e + 1}");
        Assert.That(Exported(resumed).Differences(Exported(straight)), Is.Empty, "every callback's own state");
        var reference = straight.State(Path.Combine(_dir, "straight.ckpt"));
        Assert.That(resumed.State(Path.Combine(_dir, "resumed.ckpt")).Differences(reference), Is.Empty);
        Assert.That(new Run(99, callbacks, Folder("other")).State(Path.Combine(_dir, "other.ckpt")).Differences(reference), Is.Not.Empty, "the comparison can fail");
    }

    /// <summary>Each callback's exported state, taken directly (not through a file).</summary>
    private static CheckpointData Exported(Run run)
    {
        var data = new CheckpointData();
        for (int i = 0; i < run.Trainer.Callbacks.Count; i++)
        {
            if (run.Trainer.Callbacks[i].ExportState(run.Trainer) is { } state) data.Callbacks.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), state);
        }
        return data;
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;

    [Test]
    public void EarlyStoppingStopsAtTheSameEpochAndEndsWithTheSameBestWeights()
    {
        IEnumerable<TrainerCallback> Callbacks(Run run, string dir) => [new EarlyStopping(FirstEpochBest, patience: 3)];
        var straight = new Run(1, Callbacks, _dir);
        straight.Trainer.Fit(straight.Rig.Loader, Test, 10);
        var stopper = (EarlyStopping)straight.Trainer.Callbacks[0];
        Assert.That((stopper.BestEpoch, stopper.StoppedEpoch), Is.EqualTo((1, 4)));

        string path = Path.Combine(_dir, "run.ckpt");
        var first = new Run(1, Callbacks, _dir);
        first.Trainer.Fit(first.Rig.Loader, Test, 2);
        first.Trainer.SaveCheckpoint(path, first.Rig.Loader); // OnFitEnd put epoch 1's weights back: save what training had
        var resumed = new Run(99, Callbacks, _dir);
        resumed.Trainer.LoadCheckpoint(path, resumed.Rig.Loader);
        var after = resumed.Trainer.Fit(resumed.Rig.Loader, Test, 8);
        var resumedStopper = (EarlyStopping)resumed.Trainer.Callbacks[0];
        Assert.That(after.Select(m => m.Epoch), Is.EqualTo(new[] { 3, 4 }));
        Assert.That((resumedStopper.BestEpoch, resumedStopper.StoppedEpoch, resumedStopper.BadEpochs), Is.EqualTo((1, 4, 3)));
        Assert.That(CheckpointTestModels.Bits(resumed.Rig.Model), Is.EqualTo(CheckpointTestModels.Bits(straight.Rig.Model)),
            "epoch 1's weights, which only the file held");
    }

    [Test]
    public void ExponentialMovingAverageContinuesFromTheSavedAverage()
    {
        IEnumerable<TrainerCallback> Callbacks(Run run, string dir) => [new ExponentialMovingAverage(run.Rig.Model, decay: 0.9)];
        var straight = new Run(1, Callbacks, _dir);
        straight.Trainer.Fit(straight.Rig.Loader, Test, 3);
        string path = Path.Combine(_dir, "run.ckpt");
        var first = new Run(1, Callbacks, _dir);
        first.Trainer.Fit(first.Rig.Loader, Test, 1);
        first.Trainer.SaveCheckpoint(path, first.Rig.Loader);
        var resumed = new Run(99, Callbacks, _dir);
        resumed.Trainer.LoadCheckpoint(path, resumed.Rig.Loader);
        resumed.Trainer.Fit(resumed.Rig.Loader, Test, 2);

        var (a, b) = ((ExponentialMovingAverage)straight.Trainer.Callbacks[0], (ExponentialMovingAverage)resumed.Trainer.Callbacks[0]);
        Assert.That(b.Updates, Is.EqualTo(a.Updates));
        for (int i = 0; i < straight.Rig.Model.Parameters().Count(); i++) Assert.That(b.Average(i).ToArray(), Is.EqualTo(a.Average(i).ToArray()), $"average {i}");
    }

    [Test]
    public void GradientAccumulationRefusesACheckpointInsideAGroup()
    {
        var run = new Run(1, (_, _) => [new GradientAccumulation(3)], _dir);
        var outcomes = new List<string>();
        run.Trainer.BatchEnded += (_, e) =>
        {
            try
            {
                run.Trainer.SaveCheckpoint(Path.Combine(_dir, "mid.ckpt"), run.Rig.Loader);
                outcomes.Add("saved");
            }
            catch (InvalidOperationException ex)
            {
                Assert.That(ex.Message, Does.Contain("inside a group of micro-batches"));
                outcomes.Add("refused");
            }
        };
        run.Trainer.Fit(run.Rig.Loader, null, 1);
        // 7 batches in groups of 3, 3 and 1: only after a group's last batch is nothing pending.
        Assert.That(outcomes, Is.EqualTo(new[] { "refused", "refused", "saved", "refused", "refused", "saved", "saved" }));
        Assert.DoesNotThrow(() => run.Trainer.SaveCheckpoint(Path.Combine(_dir, "end.ckpt"), run.Rig.Loader));
    }

    [Test]
    public void ACheckpointSaverBeforeACallbackWithStateIsRefused()
    {
        var run = new Run(1, (r, dir) => [new CheckpointSaver(Path.Combine(dir, "l.ckpt")), new EarlyStopping()], _dir);
        var e = Assert.Throws<InvalidOperationException>(() => run.Trainer.Fit(run.Rig.Loader, Test, 1))!;
        Assert.That(e.Message, Does.Contain("Callbacks[1], a EarlyStopping, has checkpoint state and comes after it"));
        Assert.That(File.Exists(Path.Combine(_dir, "l.ckpt")), Is.False);

        var fine = new Run(1, (r, dir) => [new EarlyStopping(), new CheckpointSaver(Path.Combine(dir, "l.ckpt")), new MetricsLogger(TextWriter.Null)], _dir);
        Assert.DoesNotThrow(() => fine.Trainer.Fit(fine.Rig.Loader, Test, 1));
    }

    // ------------------------------------------------------------------ a callback list that does not fit

    private string SaveWith(Func<Run, string, IEnumerable<TrainerCallback>> callbacks)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".ckpt");
        var run = new Run(1, callbacks, _dir);
        run.Trainer.Fit(run.Rig.Loader, Test, 1);
        run.Trainer.SaveCheckpoint(path, run.Rig.Loader);
        return path;
    }

    /// <summary>Loads <paramref name="path"/> into a trained run with <paramref name="callbacks"/>, which must refuse it and change nothing.</summary>
    private string Refused(string path, Func<Run, string, IEnumerable<TrainerCallback>> callbacks, Action<CheckpointData>? edit = null)
    {
        var run = new Run(2, callbacks, _dir);
        run.Trainer.Fit(run.Rig.Loader, Test, 2);
        var before = run.State(Path.Combine(_dir, "before.ckpt"));
        var data = CheckpointData.Read(path);
        edit?.Invoke(data);
        var e = Assert.Throws<CheckpointMismatchException>(() => run.Trainer.RestoreCheckpoint(data, run.Rig.Loader, "x.ckpt"))!;
        Assert.That(run.State(Path.Combine(_dir, "after.ckpt")).Differences(before), Is.Empty, "nothing was changed");
        return e.Message;
    }

    [Test]
    public void ACallbackStateWithoutItsCallbackIsRefused()
    {
        string path = SaveWith((r, _) => [new ExponentialMovingAverage(r.Rig.Model)]);
        Assert.That(Refused(path, (_, _) => []),
            Does.Contain("the file holds the state of callback ExponentialMovingAverage 'ExponentialMovingAverage[0]', which none of the trainer's callbacks has"));
    }

    [Test]
    public void ACallbackWithStateThatTheFileLacksIsRefused()
    {
        string path = SaveWith((_, _) => [new MetricsLogger(TextWriter.Null)]); // stateless: not saved
        Assert.That(Refused(path, (_, _) => [new MetricsLogger(TextWriter.Null), new EarlyStopping()]),
            Does.Contain("the trainer's callback EarlyStopping 'EarlyStopping[0]' has no state in the file"));
    }

    [Test]
    public void AStateOfAnotherKindOfCallbackIsRefused()
    {
        string path = SaveWith((r, _) => [new ExponentialMovingAverage(r.Rig.Model) { CheckpointKey = "average" }]);
        Assert.That(Refused(path, (r, _) => [new StochasticWeightAveraging(r.Rig.Model, 1, 0.01) { CheckpointKey = "average" }]),
            Does.Contain("the trainer's callback 'average' is a StochasticWeightAveraging, but the file's state of 'average' is a ExponentialMovingAverage's"));
    }

    [Test]
    public void AStateTheCallbackRejectsPutsBackWhatWasRestoredBeforeIt()
    {
        Func<Run, string, IEnumerable<TrainerCallback>> callbacks = (r, _) => [new EarlyStopping(), new ExponentialMovingAverage(r.Rig.Model)];
        string path = SaveWith(callbacks);
        string message = Refused(path, callbacks, d => d.Callbacks["ExponentialMovingAverage[0]"].Tensors["average.0.weight"] = Tensor.Zeros(2));
        Assert.That(message, Does.Contain("callback ExponentialMovingAverage 'ExponentialMovingAverage[0]': ExponentialMovingAverage: tensor 'average.0.weight' has shape [2], but [8,4] is expected"));

        string epochs = Refused(path, callbacks, d => d.Callbacks["EarlyStopping[0]"].Integers["bestEpoch"] = CheckpointData.MaxEpoch + 1L);
        Assert.That(epochs, Does.Contain("counter 'bestEpoch' is 1073741825, outside [0, 1073741824]"));
    }

    [Test]
    public void CheckpointKeysAreCheckedAndMustBeUnique()
    {
        Assert.Throws<ArgumentException>(() => _ = new EarlyStopping { CheckpointKey = "a.b" });
        Assert.Throws<ArgumentException>(() => _ = new EarlyStopping { CheckpointKey = "" });
        var run = new Run(1, (r, _) => [new EarlyStopping { CheckpointKey = "same" }, new ExponentialMovingAverage(r.Rig.Model) { CheckpointKey = "same" }], _dir);
        string path = Path.Combine(_dir, "dup.ckpt");
        var e = Assert.Throws<InvalidOperationException>(() => run.Trainer.SaveCheckpoint(path))!;
        Assert.That(e.Message, Does.Contain("Two callbacks have the checkpoint key 'same'"));
        Assert.That(File.Exists(path), Is.False);

        // Default keys count callbacks of one type: the second EMA is ExponentialMovingAverage[1].
        var two = new Run(1, (r, _) => [new ExponentialMovingAverage(r.Rig.Model), new MetricsLogger(TextWriter.Null), new ExponentialMovingAverage(r.Rig.Model, decay: 0.5)], _dir);
        two.Trainer.SaveCheckpoint(path);
        Assert.That(CheckpointData.Read(path).Callbacks.Keys, Is.EquivalentTo(new[] { "ExponentialMovingAverage[0]", "ExponentialMovingAverage[1]" }));
    }

    [Test]
    public void TrainingCheckpointLoadReportsTheCallbackStatesItLeaves()
    {
        string path = SaveWith((r, _) => [new ExponentialMovingAverage(r.Rig.Model)]);
        var rig = new CheckpointRig(3);
        var info = TrainingCheckpoint.Load(path, rig.Model, rig.Optimizer, [rig.Lr], rig.Loader);
        Assert.That(info.NotRestored, Has.Some.Contains("ExponentialMovingAverage[0]"));
    }
}
