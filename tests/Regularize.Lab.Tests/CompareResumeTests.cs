using Regularize.Lab.Experiments;
using Regularize.Serialization;

namespace Regularize.Lab.Tests;

/// <summary>
/// compare saves every variant after every epoch; <c>--resume</c> continues an interrupted run from those checkpoints
/// with the same bits as a run that never stopped, and refuses checkpoints of other settings or damaged ones.
/// </summary>
[NonParallelizable]
public class CompareResumeTests : SyntheticDataFixture
{
    private const string Variants = "sgd-l2,sgdw,adamw";

    /// <summary><paramref name="args"/> with the tiny settings; an option in <paramref name="args"/> replaces its default here.</summary>
    private string[] Tiny(params string[] args)
    {
        var defaults = new Dictionary<string, string>
        {
            ["--data"] = DataPath, ["--hidden"] = "16", ["--batch-size"] = "32", ["--epochs"] = "3", ["--variant"] = Variants, ["--threads"] = "1",
        };
        return [.. args, .. defaults.Where(d => !args.Contains(d.Key)).SelectMany(d => new[] { d.Key, d.Value })];
    }

    private static string Checkpoint(TempFolder folder, string variant) => folder[Path.Combine("checkpoints", variant + ".ckpt")];

    [Test]
    public void AnInterruptedRunResumedGivesTheSameResultsAndBitsAsOneThatNeverStopped()
    {
        using var straight = new TempFolder();
        using var resumed = new TempFolder();
        var whole = LabRun.Of(Tiny("compare", "--output", straight.Path));
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.ToString());

        // Stop while sgdw is in its third epoch: sgd-l2 has finished, sgdw has two epochs saved, adamw none.
        var stopped = LabRun.InterruptedAt("sgdw     epoch 2/3:", Tiny("compare", "--output", resumed.Path));
        Assert.That(stopped.ExitCode, Is.EqualTo(130), stopped.ToString());
        Assert.That(stopped.ErrorLines, Has.Length.EqualTo(1), stopped.ToString());
        Assert.That(stopped.Error, Does.Contain("--resume"));
        Assert.That(File.Exists(resumed["compare.csv"]), Is.False, "an interrupted run writes no results");
        Assert.That(File.Exists(Checkpoint(resumed, "adamw")), Is.False);
        Assert.That(CheckpointData.Read(Checkpoint(resumed, "sgdw")).Progress.Epoch, Is.EqualTo(2));

        var rest = LabRun.Of(Tiny("compare", "--output", resumed.Path, "--resume"));
        Assert.That(rest.ExitCode, Is.EqualTo(0), rest.ToString());
        Assert.That(rest.Output, Does.Contain("sgd-l2   finished"));
        Assert.That(rest.Output, Does.Contain("sgdw     resuming after epoch 2/3"));
        Assert.That(rest.Output, Does.Contain("adamw    no checkpoint"));
        Assert.That(rest.Output, Does.Not.Contain("sgdw     epoch 2/3:"), "finished epochs are not trained again");
        Assert.That(rest.Output, Does.Contain("sgdw     epoch 3/3:"));

        Assert.That(WithoutSeconds(resumed["compare.csv"]), Is.EqualTo(WithoutSeconds(straight["compare.csv"])));
        foreach (string v in Variants.Split(','))
        {
            var a = CheckpointData.Read(Checkpoint(straight, v));
            var b = CheckpointData.Read(Checkpoint(resumed, v));
            Assert.That(b.Differences(a), Is.Empty, v);
            Assert.That(b.Progress.Epoch, Is.EqualTo(3), v);
        }
        Assert.That(CheckpointData.Read(Checkpoint(straight, "sgdw")).Differences(CheckpointData.Read(Checkpoint(straight, "adamw"))),
            Is.Not.Empty, "the comparison can fail");
    }

    [Test]
    public void ResumingAFinishedRunRewritesItsResultsWithoutTraining()
    {
        using var run = new TempFolder();
        Assert.That(LabRun.Of(Tiny("compare", "--output", run.Path)).ExitCode, Is.EqualTo(0));
        string csv = File.ReadAllText(run["compare.csv"]);
        File.Delete(run["compare.csv"]);
        File.Delete(run["loss.png"]);
        var again = LabRun.Of(Tiny("compare", "--output", run.Path, "--resume"));
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Output, Does.Not.Contain("epoch 1/3:"));
        Assert.That(File.ReadAllText(run["compare.csv"]), Is.EqualTo(csv), "times included: they are read back from the checkpoints");
        Assert.That(new FileInfo(run["loss.png"]).Length, Is.GreaterThan(1000));
    }

    [TestCase("--epochs", "4", "--epochs 3")]
    [TestCase("--batch-size", "16", "--batch-size 32")]
    [TestCase("--seed", "2", "--seed 1")]
    [TestCase("--weight-decay", "0.5", "--weight-decay")]
    [TestCase("--decay-scaling", "schedule", "--decay-scaling lr")]
    public void ACheckpointOfOtherSettingsIsRefusedNamingTheOption(string option, string value, string saved)
    {
        using var run = new TempFolder();
        var first = LabRun.InterruptedAt("sgd-l2   epoch 1/3:", Tiny("compare", "--output", run.Path));
        Assert.That(first.ExitCode, Is.EqualTo(130), first.ToString());
        byte[] before = File.ReadAllBytes(Checkpoint(run, "sgd-l2"));

        var other = LabRun.Of(Tiny("compare", "--output", run.Path, "--resume", option, value));
        Assert.That(other.ExitCode, Is.EqualTo(1), other.ToString());
        Assert.That(other.ErrorLines, Has.Length.EqualTo(1), other.ToString());
        Assert.That(other.Error, Does.Contain(Checkpoint(run, "sgd-l2")).And.Contain(saved).And.Contain($"{option} {value}"));
        Assert.That(File.ReadAllBytes(Checkpoint(run, "sgd-l2")), Is.EqualTo(before), "a refused resume changes nothing");
    }

    [Test]
    public void ADamagedCheckpointIsRefusedInOneLineNamingTheFile()
    {
        using var run = new TempFolder();
        Assert.That(LabRun.InterruptedAt("sgd-l2   epoch 1/3:", Tiny("compare", "--output", run.Path)).ExitCode, Is.EqualTo(130));
        string path = Checkpoint(run, "sgd-l2");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var damaged = LabRun.Of(Tiny("compare", "--output", run.Path, "--resume"));
        Assert.That(damaged.ExitCode, Is.EqualTo(1), damaged.ToString());
        Assert.That(damaged.ErrorLines, Has.Length.EqualTo(1), damaged.ToString());
        Assert.That(damaged.Error, Does.Contain("cannot resume from " + path));

        // A plain weights file in its place is not a lab checkpoint.
        var weights = new Dictionary<string, Regularize.Tensors.Tensor> { ["w"] = Regularize.Tensors.Tensor.Zeros(2) };
        SafeTensors.Write(path, weights);
        var plain = LabRun.Of(Tiny("compare", "--output", run.Path, "--resume"));
        Assert.That(plain.ExitCode, Is.EqualTo(1), plain.ToString());
        Assert.That(plain.Error, Does.Contain("not a Regularize training checkpoint"));

        // Without --resume the damaged file is simply replaced.
        var fresh = LabRun.Of(Tiny("compare", "--output", run.Path));
        Assert.That(fresh.ExitCode, Is.EqualTo(0), fresh.ToString());
        Assert.That(CheckpointData.Read(path).Progress.Epoch, Is.EqualTo(3));
    }

    [Test]
    public void TheTrialRecordSitsInThePlainSafetensorsMetadata()
    {
        using var run = new TempFolder();
        Assert.That(LabRun.Of(Tiny("compare", "--output", run.Path, "--variant", "adamw")).ExitCode, Is.EqualTo(0));
        var file = SafeTensors.Read(Checkpoint(run, "adamw"));
        Assert.That(file.Metadata.Keys, Is.EquivalentTo(new[] { CheckpointData.MetadataKey, TrialCheckpoint.MetadataKey }));
        var record = System.Text.Json.JsonDocument.Parse(file.Metadata[TrialCheckpoint.MetadataKey]).RootElement;
        Assert.That(record.GetProperty("variant").GetString(), Is.EqualTo("adamw"));
        Assert.That(record.GetProperty("epochs").GetArrayLength(), Is.EqualTo(3));
        Assert.That(file.Tensors.Keys, Has.Member("model.0.weight").And.Member("optimizer.state.0.weight.m"));
    }
}
