using Regularize.Serialization;
using static Regularize.Tests.Serialization.CheckpointTestModels;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Exact resume: N steps, save, load into freshly built objects (another init seed), M more steps gives the same
/// bits in every weight, buffer, optimizer tensor, step count, hyperparameter, scheduler, loader and generator as
/// N + M steps without stopping.
/// </summary>
public class CheckpointResumeTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = NewFolder("resume");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<string> Optimizers => CheckpointRig.Optimizers;

    [Test]
    public void ResumingGivesTheSameBitsAsNeverStopping([ValueSource(nameof(Optimizers))] string optimizer, [Values(13, 21)] int n)
    {
        const int m = 11;
        var straight = new CheckpointRig(modelSeed: 1, optimizer);
        straight.Train(0, n + m);

        var first = new CheckpointRig(modelSeed: 1, optimizer);
        first.Train(0, n);
        string path = Path.Combine(_dir, "run.ckpt");
        first.Save(path, n);

        var resumed = new CheckpointRig(modelSeed: 42, optimizer);
        Assert.That(resumed.Capture(0).Differences(first.Capture(n)), Is.Not.Empty, "the fresh objects start elsewhere");
        CheckpointInfo info = resumed.Load(path);
        Assert.That(info.Progress.Step, Is.EqualTo(n));
        Assert.That(info.NotRestored, Is.Empty);
        Assert.That(resumed.Capture(n).Differences(first.Capture(n)), Is.Empty, "loading restores every part");
        resumed.Train(info.Progress.Step, m);

        var differences = resumed.Capture(n + m).Differences(straight.Capture(n + m));
        Assert.That(differences, Is.Empty, string.Join("\n", differences));
        Assert.That(Bits(resumed.Model), Is.EqualTo(Bits(straight.Model)));
        Assert.That(straight.Optimizer.ExportState().Parameters, Is.Not.Empty);
        Assert.That(straight.Groups[0].WeightDecay, Is.LessThan(1e-3), "the plateau scheduler acted");
    }

    [Test]
    public void EveryPartMatters()
    {
        // The same resume without restoring the loader, or with the scheduler left at step 0, ends elsewhere:
        // the check above is sensitive to each part it claims to restore.
        const int n = 13, m = 11;
        var straight = new CheckpointRig(modelSeed: 1);
        straight.Train(0, n + m);
        var first = new CheckpointRig(modelSeed: 1);
        first.Train(0, n);
        var data = first.Capture(n);

        var noLoader = new CheckpointRig(modelSeed: 42);
        data.Restore(noLoader.Model, noLoader.Optimizer, [noLoader.Lr], loader: null, [noLoader.Plateau]);
        noLoader.Train(n, m);
        Assert.That(noLoader.Capture(n + m).Differences(straight.Capture(n + m)), Is.Not.Empty);

        var noScheduler = new CheckpointRig(modelSeed: 42);
        data.Restore(noScheduler.Model, noScheduler.Optimizer, schedulers: null, noScheduler.Loader, [noScheduler.Plateau]);
        noScheduler.Train(n, m);
        Assert.That(noScheduler.Capture(n + m).Differences(straight.Capture(n + m)), Is.Not.Empty);
    }

    [Test]
    public void EveryOptimizerStateRoundTripsThroughTheFile([ValueSource(nameof(Optimizers))] string optimizer)
    {
        var rig = new CheckpointRig(modelSeed: 3, optimizer);
        rig.Train(0, 9);
        var data = rig.Capture(9);
        var back = CheckpointData.Read(new MemoryStream(CheckpointFileTests.Bytes(data)));
        Assert.That(back.Differences(data), Is.Empty);
        Assert.That(back.Optimizer!.Optimizer, Is.EqualTo(rig.Optimizer.GetType().Name));
        Assert.That(back.Optimizer.Groups.Select(g => g.Name), Is.EqualTo(new[] { "weights", "others" }));
        Assert.That(back.Optimizer.Groups[0].Hyperparameters["learningRate"], Is.Not.EqualTo(back.Optimizer.Groups[1].Hyperparameters["learningRate"]));
        var keys = back.Optimizer.Parameters["0.weight"].Tensors.Keys.Order().ToArray();
        string[] expected = optimizer switch
        {
            "AdamAmsGrad" or "AdamWAmsGrad" => ["m", "v", "vMax"],
            "Adam" or "AdamW" => ["m", "v"],
            "ScheduleFreeAdamW" => ["lrMax", "v", "weightSum", "z"],   // lrMax and weightSum are of shape [1]
            _ => ["momentumBuffer"],
        };
        Assert.That(keys, Is.EqualTo(expected));
        var file = SafeTensors.Read(new MemoryStream(CheckpointFileTests.Bytes(data)));
        Assert.That(file.Tensors.Keys, Has.Member($"optimizer.state.0.weight.{expected[0]}"));
    }

    [Test]
    public void ASchedulerThatRejectsTheRestoredStepIsRolledBackWithTheOptimizer()
    {
        var rig = new CheckpointRig(modelSeed: 3);
        rig.Train(0, 5);
        var data = rig.Capture(5);
        data.Schedulers.Add(data.Schedulers[0]); // as if a second learning-rate scheduler had been saved

        // A second scheduler whose schedule is invalid from step 5 on: the first scheduler and the optimizer are
        // restored before it fails, and must be put back.
        var other = new CheckpointRig(modelSeed: 4);
        other.Train(0, 2);
        var broken = new Regularize.Schedules.Scheduler(other.Groups, new Regularize.Schedules.LambdaSchedule(t => t >= 5 ? -1.0 : 1.0),
            mode: Regularize.Schedules.ScheduleMode.MultiplyInitial);
        other.Lr.ImportState(other.Lr.ExportState()); // writes the cosine values back over the lambda's
        var before = other.Capture(2);
        var beforeBroken = broken.ExportState();

        var e = Assert.Throws<CheckpointMismatchException>(() =>
            data.Restore(other.Model, other.Optimizer, [other.Lr, broken], other.Loader, [other.Plateau]))!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(other.Capture(2).Differences(before), Is.Empty, "the optimizer and the first scheduler were put back");
        Assert.That(broken.ExportState().Step, Is.EqualTo(beforeBroken.Step));
    }

    [Test]
    public void AnOptimizerOfAnotherTypeIsRefusedAndNothingChanges()
    {
        var rig = new CheckpointRig(modelSeed: 3, "AdamW");
        rig.Train(0, 5);
        string path = Path.Combine(_dir, "run.ckpt");
        rig.Save(path, 5);

        var other = new CheckpointRig(modelSeed: 4, "Sgd");
        var before = other.Capture(0);
        var e = Assert.Throws<CheckpointMismatchException>(() => other.Load(path))!;
        Assert.That(e.Message, Does.Contain("AdamW").And.Contain("Sgd"));
        Assert.That(other.Capture(0).Differences(before), Is.Empty, "nothing is half-applied");
    }
}
