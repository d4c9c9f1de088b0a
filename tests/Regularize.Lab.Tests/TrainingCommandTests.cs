using System.Text.Json.Nodes;
namespace Regularize.Lab.Tests;

/// <summary>compare, sweep and lr-find on a tiny synthetic IDX folder (8×8 images, 240 training / 60 test).</summary>
[NonParallelizable]
public class TrainingCommandTests : SyntheticDataTests
{
    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--batch-size", "32"];

    [Test]
    public void CompareWritesTablesCsvJsonAndPlots()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "2", "--out", temp.Path, "--threads", "1"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        foreach (string name in new[] { "loss", "accuracy", "weight-norm", "learning-rate", "weight-decay" })
        {
            Assert.That(new FileInfo(temp[name + ".png"]).Length, Is.GreaterThan(1000), name);
            Assert.That(File.ReadAllText(temp[name + ".svg"]), Does.Contain("<svg"), name);
        }
        var csv = File.ReadAllLines(temp["compare.csv"]);
        Assert.That(csv, Has.Length.EqualTo(1 + 4 * 2), "header + 4 variants × 2 epochs");
        Assert.That(csv[0], Does.StartWith("variant,epoch,steps,train_loss"));
        Assert.That(File.ReadAllText(temp["compare.json"]), Does.Contain("\"name\": \"adamw\""));
        foreach (string v in new[] { "sgd-l2", "sgdw", "adam-l2", "adamw" }) Assert.That(run.Output, Does.Contain(v));
        Assert.That(run.Output, Does.Contain("test acc"));
    }

    [Test]
    public void CompareIsDeterministicAcrossRerunsAndParallelRuns()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        using var c = new TempFolder();
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--out", a.Path, "--seed", "7")).ExitCode, Is.EqualTo(0));
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--out", b.Path, "--seed", "7")).ExitCode, Is.EqualTo(0));
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--out", c.Path, "--seed", "7", "--parallel")).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(b["compare.csv"]), Is.EqualTo(WithoutSeconds(a["compare.csv"])));
        Assert.That(WithoutSeconds(c["compare.csv"]), Is.EqualTo(WithoutSeconds(a["compare.csv"])), "--parallel gives the same numbers");

        using var d = new TempFolder();
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--out", d.Path, "--seed", "8")).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(d["compare.csv"]), Is.Not.EqualTo(WithoutSeconds(a["compare.csv"])), "another seed, other numbers");
    }

    [Test]
    public void CoupledAndDecoupledDecayEndWithDifferentWeights()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "1", "--out", temp.Path, "--variants", "sgd-l2,sgdw", "--weight-decay", "0.05"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var rows = File.ReadAllLines(temp["compare.csv"]).Skip(1).Select(l => l.Split(',')).ToArray();
        double coupled = double.Parse(rows[0][8], System.Globalization.CultureInfo.InvariantCulture);
        double decoupled = double.Parse(rows[1][8], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(coupled, Is.LessThan(decoupled), "with momentum 0.9, coupled L2 shrinks the weights harder at the same λ");
    }

    [Test]
    public void ProximalL1LeavesExactZerosWhereL2LeavesNone()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "2", "--out", temp.Path, "--variants", "sgd-l2,sgd-l1", "--weight-decay", "0.05"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("zeros").And.Contain("λ₁ 0.05"));
        var variants = JsonNode.Parse(File.ReadAllText(temp["compare.json"]))!["variants"]!.AsArray();
        long Zeros(int v) => variants[v]!["layers"]!.AsArray().Sum(l => (long)l!["zeros"]!);
        double L1(int v, int layer) => (double)variants[v]!["layers"]![layer]!["l1"]!;
        Assert.That(Zeros(0), Is.EqualTo(0), "L2 shrinks weights in proportion: none lands on zero");
        Assert.That(Zeros(1), Is.GreaterThan(0), "the soft threshold sets weights below lr·λ₁ to exactly zero");
        Assert.That(L1(1, 0), Is.EqualTo(0.05));
        Assert.That((double)variants[1]!["layers"]![0]!["weightDecay"]!, Is.EqualTo(0), "the L1 variant has no weight decay");
    }

    [Test]
    public void EachLayerCanHaveItsOwnDecay()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "1", "--out", temp.Path, "--variants", "adamw,adamw-layers", "--weight-decay", "0.2"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var variants = JsonNode.Parse(File.ReadAllText(temp["compare.json"]))!["variants"]!.AsArray();
        double[] Lambdas(int v) => variants[v]!["layers"]!.AsArray().Select(l => (double)l!["weightDecay"]!).ToArray();
        Assert.That(Lambdas(0), Is.EqualTo(new[] { 0.2, 0.2 }), "one hidden layer: two weight matrices");
        Assert.That(Lambdas(1), Is.EqualTo(new[] { 0.02, 2.0 }).Within(1e-15), "λ/10 on the first layer, 10·λ on the last");
        double Norm(int v, int layer) => (double)variants[v]!["layers"]![layer]!["norm"]!;
        Assert.That(Norm(1, 1), Is.LessThan(Norm(0, 1)), "10·λ on the last layer shrinks it more");
        Assert.That(Norm(1, 0), Is.GreaterThan(Norm(0, 0)), "λ/10 on the first layer shrinks it less");
    }

    [Test]
    public void ShardedSweepMergesToTheUnshardedSweep()
    {
        using var whole = new TempFolder();
        using var parts = new TempFolder();
        using var merged = new TempFolder();
        string[] grid = ["--optimizer", "adamw", "--lrs", "1e-3,1e-2", "--weight-decays", "0,0.1,1", "--epochs", "1"];
        var full = LabRun.Of(Tiny(["sweep", .. grid, "--out", whole.Path]));
        Assert.That(full.ExitCode, Is.EqualTo(0), full.ToString());
        for (int i = 0; i < 3; i++)
        {
            var part = LabRun.Of(Tiny(["sweep", .. grid, "--out", parts.Path, "--shard", $"{i}/3", "--threads", "1"]));
            Assert.That(part.ExitCode, Is.EqualTo(0), part.ToString());
        }
        Assert.That(Directory.GetFiles(parts.Path, "sweep-part-*.json"), Has.Length.EqualTo(3));
        var merge = LabRun.Of("sweep", "merge", parts.Path, "--out", merged.Path);
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
        Assert.That(LabRun.Of(Tiny([.. grid, "--out", whole.Path])).ExitCode, Is.EqualTo(0));

        var stopped = LabRun.InterruptedAt("trial 1:", Tiny([.. grid, "--out", resumed.Path]));
        Assert.That(stopped.ExitCode, Is.EqualTo(130), stopped.ToString());
        Assert.That(stopped.ErrorLines, Has.Length.EqualTo(1), stopped.ToString());
        Assert.That(stopped.Error, Does.Contain("2 of 4 trials").And.Contain("--resume"));
        Assert.That(File.Exists(resumed["sweep.csv"]), Is.False);

        var rest = LabRun.Of(Tiny([.. grid, "--out", resumed.Path, "--resume"]));
        Assert.That(rest.ExitCode, Is.EqualTo(0), rest.ToString());
        Assert.That(rest.Output, Does.Contain("2 already finished"));
        Assert.That(rest.Output, Does.Not.Contain("trial 0:").And.Not.Contain("trial 1:"), "finished trials are not run again");
        Assert.That(rest.Output, Does.Contain("trial 2:").And.Contain("trial 3:"));
        Assert.That(File.ReadAllText(resumed["sweep.csv"]), Is.EqualTo(File.ReadAllText(whole["sweep.csv"])));

        var other = LabRun.Of(Tiny(["sweep", "--lrs", "1e-3,3e-2", "--weight-decays", "0,0.1", "--epochs", "1", "--threads", "1", "--out", resumed.Path, "--resume"]));
        Assert.That(other.ExitCode, Is.EqualTo(1), other.ToString());
        Assert.That(other.ErrorLines, Has.Length.EqualTo(1), other.ToString());
        Assert.That(other.Error, Does.Contain("belongs to another sweep"));
    }

    [Test]
    public void MergeRefusesPartsOfDifferentGridsAndMissingParts()
    {
        using var parts = new TempFolder();
        string[] grid = ["--lrs", "1e-3,1e-2", "--weight-decays", "0,0.1", "--epochs", "1", "--threads", "1"];
        Assert.That(LabRun.Of(Tiny(["sweep", .. grid, "--out", parts.Path, "--shard", "0/2"])).ExitCode, Is.EqualTo(0));
        var missing = LabRun.Of("sweep", "merge", parts.Path, "--out", parts["m"]);
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("missing"));

        using var other = new TempFolder();
        Assert.That(LabRun.Of(Tiny(["sweep", "--lrs", "1e-3,1e-2", "--weight-decays", "0,0.2", "--epochs", "1", "--out", other.Path, "--shard", "1/2"])).ExitCode, Is.EqualTo(0));
        var mixed = LabRun.Of("sweep", "merge", parts["sweep-part-0-of-2.json"], other["sweep-part-1-of-2.json"]);
        Assert.That(mixed.ExitCode, Is.Not.EqualTo(0));
        Assert.That(mixed.Error, Does.Contain("another grid"));
    }

    [Test]
    public void LrFindWritesCurveAndSuggestion()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("lr-find", "--steps", "60", "--start", "1e-5", "--end", "10", "--out", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("suggested learning rate"));
        Assert.That(new FileInfo(temp["lr-find.png"]).Length, Is.GreaterThan(1000));
        Assert.That(File.ReadAllText(temp["lr-find.svg"]), Does.Contain("<svg"));
        var lines = File.ReadAllLines(temp["lr-find.csv"]);
        Assert.That(lines[0], Is.EqualTo("step,learning_rate,loss,smoothed_loss"));
        Assert.That(lines.Length, Is.InRange(12, 61));
        Assert.That(File.ReadAllText(temp["lr-find.json"]), Does.Contain("\"suggestion\""));
    }

    [Test]
    public void OtherOptimizersAndDecayScalingRun()
    {
        using var temp = new TempFolder();
        var sweep = LabRun.Of(Tiny("sweep", "--optimizer", "sgd-l2", "--lrs", "0.05", "--weight-decays", "0,1e-3", "--epochs", "1", "--out", temp["s"]));
        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(File.ReadAllLines(temp["s/sweep.csv"]), Has.Length.EqualTo(3), "a 1 × 2 grid");
        var compare = LabRun.Of(Tiny("compare", "--variants", "sgdw,adamw", "--decay-scaling", "schedule", "--epochs", "1", "--out", temp["c"]));
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.ToString());
        Assert.That(File.ReadAllText(temp["c/compare.json"]), Does.Contain("ηₜ·λ"));
    }

    [Test]
    public void AnOptimizerOutsideTheDefaultSetRunsByNameInEveryCommand()
    {
        using var temp = new TempFolder();
        var compare = LabRun.Of(Tiny("compare", "--variants", "lion,lamb", "--epochs", "1", "--out", temp["c"]));
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.ToString());
        var rows = File.ReadAllLines(temp["c/compare.csv"]).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.That(rows, Is.EqualTo(new[] { "lion", "lamb" }));
        var variants = JsonNode.Parse(File.ReadAllText(temp["c/compare.json"]))!.ToJsonString();
        Assert.That(variants, Does.Contain("Lion").And.Contain("LAMB"));
        var sweep = LabRun.Of(Tiny("sweep", "--optimizer", "lion", "--lrs", "1e-4", "--epochs", "1", "--out", temp["s"]));
        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(File.ReadAllLines(temp["s/sweep.csv"]), Has.Length.EqualTo(1 + 5), "lion's lr-scaled default λ grid has five values");
        var find = LabRun.Of(Tiny("lr-find", "--optimizer", "lamb", "--steps", "20", "--start", "1e-4", "--end", "1", "--out", temp["f"]));
        Assert.That(find.ExitCode, Is.EqualTo(0), find.ToString());
    }

    [TestCase("compare", "--variants", "adamw,nosuch")]
    [TestCase("sweep", "--optimizer", "nosuch")]
    [TestCase("lr-find", "--optimizer", "nosuch")]
    public void AnUnknownOptimizerNameListsEveryChoice(params string[] args)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny([.. args, "--epochs", "1", "--out", temp.Path]));
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.Error, Does.Contain("nosuch"), run.ToString());
        foreach (var name in Experiments.Variant.Names) Assert.That(run.Error, Does.Contain(name), run.ToString());
        Assert.That(run.Error, Does.Contain("lion").And.Contain("lamb"), "the catalog's entries beyond the original seven");
    }

    [Test]
    public void LrFindThatDivergesAtOnceSaysSo()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("lr-find", "--optimizer", "sgd-l2", "--start", "1000", "--end", "1e6", "--steps", "20", "--out", temp.Path));
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain("lower --start"));
    }

    [TestCase("compare", "--epochs", "0")]
    [TestCase("compare", "--hidden", "abc")]
    [TestCase("compare", "--hidden", "16,-3")]
    [TestCase("compare", "--batch-size", "0")]
    [TestCase("compare", "--variants", "sgd-l2,nosuch")]
    [TestCase("compare", "--lr", "-1")]
    [TestCase("compare", "--threads", "0")]
    [TestCase("sweep", "--shard", "3/3")]
    [TestCase("sweep", "--shard", "a/b")]
    [TestCase("sweep", "--lrs", "1e-3,x")]
    [TestCase("sweep", "--optimizer", "nosuch")]
    [TestCase("lr-find", "--start", "1", "--end", "0.1")]
    public void BadOptionsGiveOneLineAndANonZeroExit(params string[] args)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny([.. args, "--out", temp.Path]));
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("regularize: "));
    }

    [Test]
    public void AMissingDataFolderGivesOneLine()
    {
        var run = LabRun.Of("compare", "--data", Path.Combine(DataPath, "nope"), "--epochs", "1");
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
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
        var truncated = LabRun.Of("compare", "--data", broken.Path, "--epochs", "1", "--out", broken["out"]);
        Assert.That(truncated.ExitCode, Is.Not.EqualTo(0));
        Assert.That(truncated.ErrorLines, Has.Length.EqualTo(1), truncated.ToString());

        File.Delete(images);
        var missing = LabRun.Of("compare", "--data", broken.Path, "--epochs", "1", "--out", broken["out"]);
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.ErrorLines, Has.Length.EqualTo(1), missing.ToString());
        Assert.That(missing.Error, Does.Contain("train-images-idx3-ubyte"));
    }
}
