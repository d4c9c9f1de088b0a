namespace Regularize.Lab.Tests;

/// <summary>sweep (sharded, merged, resumed) on a tiny synthetic IDX folder.</summary>
[NonParallelizable]
public class SweepCommandTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--batch-size", "32"];

    [Test]
    public void ShardedSweepMergesToTheUnshardedSweep()
    {
        using var whole = new TempFolder();
        using var parts = new TempFolder();
        using var merged = new TempFolder();
        string[] grid = ["--variant", "adamw", "--lrs", "1e-3,1e-2", "--weight-decays", "0,0.1,1", "--epochs", "1"];
        var full = LabRun.Of(Tiny(["sweep", .. grid, "--output", whole.Path]));
        Assert.That(full.ExitCode, Is.EqualTo(0), full.ToString());
        for (int i = 0; i < 3; i++)
        {
            var part = LabRun.Of(Tiny(["sweep", .. grid, "--output", parts.Path, "--shard", $"{i}/3", "--threads", "1"]));
            Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        }
        Assert.That(Directory.GetFiles(parts.Path, "sweep-part-*.json"), Has.Length.EqualTo(3));
        var merge = LabRun.Of("sweep", "merge", parts.Path, "--output", merged.Path);
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.ToString());
        Assert.That(File.ReadAllText(merged["sweep.csv"]), Is.EqualTo(File.ReadAllText(whole["sweep.csv"])));
        Assert.That(new FileInfo(merged["heatmap.png"]).Length, Is.GreaterThan(1000));
        Assert.That(File.ReadAllText(whole["heatmap.svg"]), Does.Contain("<svg"));
        Assert.That(File.ReadAllLines(whole["sweep.csv"]), Has.Length.EqualTo(1 + 6));
    }

    [Test]
    public void AnInterruptedSweepResumesToTheSameResults()
    {
        using var whole = new TempFolder();
        using var resumed = new TempFolder();
        string[] grid = ["sweep", "--lrs", "1e-3,1e-2", "--weight-decays", "0,0.1", "--epochs", "1", "--threads", "1"];
        Assert.That(LabRun.Of(Tiny([.. grid, "--output", whole.Path])).ExitCode, Is.EqualTo(0));

        var stopped = LabRun.InterruptedAt("trial 1:", Tiny([.. grid, "--output", resumed.Path]));
        Assert.That(stopped.ExitCode, Is.EqualTo(130), stopped.ToString());
        Assert.That(stopped.ErrorLines, Has.Length.EqualTo(1), stopped.ToString());
        Assert.That(stopped.Error, Does.Contain("2 of 4 trials").And.Contain("--resume"));
        Assert.That(File.Exists(resumed["sweep.csv"]), Is.False);

        var rest = LabRun.Of(Tiny([.. grid, "--output", resumed.Path, "--resume"]));
        Assert.That(rest.ExitCode, Is.EqualTo(0), rest.ToString());
        Assert.That(rest.Output, Does.Contain("2 already finished"));
        Assert.That(rest.Output, Does.Not.Contain("trial 0:").And.Not.Contain("trial 1:"), "finished trials are not run again");
        Assert.That(rest.Output, Does.Contain("trial 2:").And.Contain("trial 3:"));
        Assert.That(File.ReadAllText(resumed["sweep.csv"]), Is.EqualTo(File.ReadAllText(whole["sweep.csv"])));

        var other = LabRun.Of(Tiny(["sweep", "--lrs", "1e-3,3e-2", "--weight-decays", "0,0.1", "--epochs", "1", "--threads", "1", "--output", resumed.Path, "--resume"]));
        Assert.That(other.ExitCode, Is.EqualTo(1), other.ToString());
        Assert.That(other.ErrorLines, Has.Length.EqualTo(1), other.ToString());
        Assert.That(other.Error, Does.Contain("belongs to another sweep"));
    }

    [Test]
    public void MergeRefusesPartsOfDifferentGridsAndMissingParts()
    {
        using var parts = new TempFolder();
        string[] grid = ["--lrs", "1e-3,1e-2", "--weight-decays", "0,0.1", "--epochs", "1", "--threads", "1"];
        Assert.That(LabRun.Of(Tiny(["sweep", .. grid, "--output", parts.Path, "--shard", "0/2"])).ExitCode, Is.EqualTo(0));
        var missing = LabRun.Of("sweep", "merge", parts.Path, "--output", parts["m"]);
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("missing"));

        using var other = new TempFolder();
        Assert.That(LabRun.Of(Tiny(["sweep", "--lrs", "1e-3,1e-2", "--weight-decays", "0,0.2", "--epochs", "1", "--output", other.Path, "--shard", "1/2"])).ExitCode, Is.EqualTo(0));
        var mixed = LabRun.Of("sweep", "merge", parts["sweep-part-0-of-2.json"], other["sweep-part-1-of-2.json"]);
        Assert.That(mixed.ExitCode, Is.Not.EqualTo(0));
        Assert.That(mixed.Error, Does.Contain("another grid"));
    }

    [Test]
    public void AnSgdGridRuns()
    {
        using var temp = new TempFolder();
        var sweep = LabRun.Of(Tiny("sweep", "--variant", "sgd-l2", "--lrs", "0.05", "--weight-decays", "0,1e-3", "--epochs", "1", "--output", temp["s"]));
        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(File.ReadAllLines(temp["s/sweep.csv"]), Has.Length.EqualTo(3), "a 1 × 2 grid");
    }
}
