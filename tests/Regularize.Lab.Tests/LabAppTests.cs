using System.Text.Json.Nodes;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Tests;

/// <summary>What every command does with bad input: one line on stderr and a non-zero exit.</summary>
[NonParallelizable]
public class LabAppTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--batch-size", "32"];

    [Test]
    public void AnOptimizerOutsideTheDefaultSetRunsByNameInEveryCommand()
    {
        using var temp = new TempFolder();
        var compare = LabRun.Of(Tiny("compare", "--variant", "lion,lamb", "--epochs", "1", "--output", temp["c"]));
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.ToString());
        var rows = File.ReadAllLines(temp["c/compare.csv"]).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.That(rows, Is.EqualTo(new[] { "lion", "lamb" }));
        var variants = JsonNode.Parse(File.ReadAllText(temp["c/compare.json"]))!.ToJsonString();
        Assert.That(variants, Does.Contain("Lion").And.Contain("LAMB"));
        var sweep = LabRun.Of(Tiny("sweep", "--variant", "lion", "--lrs", "1e-4", "--epochs", "1", "--output", temp["s"]));
        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(File.ReadAllLines(temp["s/sweep.csv"]), Has.Length.EqualTo(1 + 5), "lion's lr-scaled default λ grid has five values");
        var find = LabRun.Of(Tiny("lr-find", "--variant", "lamb", "--steps", "20", "--start", "1e-4", "--end", "1", "--output", temp["f"]));
        Assert.That(find.ExitCode, Is.EqualTo(0), find.ToString());
    }

    [TestCase("compare", "--variant", "adamw,nosuch")]
    [TestCase("sweep", "--variant", "nosuch")]
    [TestCase("lr-find", "--variant", "nosuch")]
    public void AnUnknownOptimizerNameListsEveryChoice(params string[] args)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny([.. args, "--epochs", "1", "--output", temp.Path]));
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.Error, Does.Contain("nosuch"), run.ToString());
        foreach (var name in Experiments.Variant.Names) Assert.That(run.Error, Does.Contain(name), run.ToString());
        Assert.That(run.Error, Does.Contain("lion").And.Contain("lamb"), "the catalog's entries beyond the original seven");
    }

    [TestCase("compare", "--epochs", "0")]
    [TestCase("compare", "--hidden", "abc")]
    [TestCase("compare", "--hidden", "16,-3")]
    [TestCase("compare", "--batch-size", "0")]
    [TestCase("compare", "--variant", "sgd-l2,nosuch")]
    [TestCase("compare", "--lr", "-1")]
    [TestCase("compare", "--threads", "0")]
    [TestCase("compare", "--lr", "Infinity")]
    [TestCase("compare", "--weight-decay", "Infinity")]
    [TestCase("batch-size", "--lr", "Infinity")]
    [TestCase("lr-find", "--end", "Infinity")]
    [TestCase("lr-find", "--weight-decay", "Infinity")]
    [TestCase("sweep", "--shard", "3/3")]
    [TestCase("sweep", "--shard", "a/b")]
    [TestCase("sweep", "--lrs", "1e-3,x")]
    [TestCase("sweep", "--variant", "nosuch")]
    [TestCase("lr-find", "--start", "1", "--end", "0.1")]
    [TestCase("batch-size", "--variant", "nosuch")]
    [TestCase("compare", "--model", "rnn")]
    public void BadOptionsGiveOneLineAndExit2(params string[] args)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny([.. args, "--output", temp.Path]));
        Assert.That(run.ExitCode, Is.EqualTo(LabApp.UsageError), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("regularize: "));
        Assert.That(run.Error.TrimEnd(), Does.Not.EndWith(".."));
    }

    [Test]
    public void AMissingDataFolderGivesOneLine()
    {
        var run = LabRun.Of("compare", "--data", Path.Combine(DataPath, "nope"), "--epochs", "1");
        Assert.That(run.ExitCode, Is.EqualTo(LabApp.Failure), "a runtime failure, not a usage error");
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain("does not exist"));
    }

    [Test]
    public void ACorruptOrMissingFileGivesOneLine()
    {
        using var broken = new TempFolder();
        SyntheticIdx.Write(broken.Path);
        string images = broken["train-images-idx3-ubyte"];
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..100]); // truncated
        var truncated = LabRun.Of("compare", "--data", broken.Path, "--epochs", "1", "--output", broken["out"]);
        Assert.That(truncated.ExitCode, Is.Not.EqualTo(0));
        Assert.That(truncated.ErrorLines, Has.Length.EqualTo(1), truncated.ToString());

        File.Delete(images);
        var missing = LabRun.Of("compare", "--data", broken.Path, "--epochs", "1", "--output", broken["out"]);
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.ErrorLines, Has.Length.EqualTo(1), missing.ToString());
        Assert.That(missing.Error, Does.Contain("train-images-idx3-ubyte"));
    }
}
