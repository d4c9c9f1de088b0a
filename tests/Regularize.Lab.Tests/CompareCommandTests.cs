using System.Text.Json.Nodes;
namespace Regularize.Lab.Tests;

/// <summary>compare on a tiny synthetic IDX folder (8×8 images, 240 training / 60 test).</summary>
[NonParallelizable]
public class CompareCommandTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--batch-size", "32"];

    [Test]
    public void CompareWritesTablesCsvJsonAndPlots()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "2", "--output", temp.Path, "--threads", "1"));
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
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--output", a.Path, "--seed", "7")).ExitCode, Is.EqualTo(0));
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--output", b.Path, "--seed", "7")).ExitCode, Is.EqualTo(0));
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--output", c.Path, "--seed", "7", "--parallel")).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(b["compare.csv"]), Is.EqualTo(WithoutSeconds(a["compare.csv"])));
        Assert.That(WithoutSeconds(c["compare.csv"]), Is.EqualTo(WithoutSeconds(a["compare.csv"])), "--parallel gives the same numbers");

        using var d = new TempFolder();
        Assert.That(LabRun.Of(Tiny("compare", "--epochs", "2", "--output", d.Path, "--seed", "8")).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(d["compare.csv"]), Is.Not.EqualTo(WithoutSeconds(a["compare.csv"])), "another seed, other numbers");
    }

    [Test]
    public void ABatchSizeLargerThanTheDataIsOneStepPerEpoch()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of("compare", "--data", DataPath, "--hidden", "16", "--batch-size", "2147483647", "--epochs", "2",
            "--variant", "sgdw", "--output", temp.Path, "--threads", "1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var rows = File.ReadAllLines(temp["compare.csv"]).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(rows.Select(r => r[2]), Is.EqualTo(new[] { "1", "2" }), "one batch of all 240 examples per epoch: steps 1 and 2");
    }

    [Test]
    public void CoupledAndDecoupledDecayEndWithDifferentWeights()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("compare", "--epochs", "1", "--output", temp.Path, "--variant", "sgd-l2,sgdw", "--weight-decay", "0.05"));
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
        var run = LabRun.Of(Tiny("compare", "--epochs", "2", "--output", temp.Path, "--variant", "sgd-l2,sgd-l1", "--weight-decay", "0.05"));
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
        var run = LabRun.Of(Tiny("compare", "--epochs", "1", "--output", temp.Path, "--variant", "adamw,adamw-layers", "--weight-decay", "0.2"));
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
    public void DecayScalingByTheScheduleRuns()
    {
        using var temp = new TempFolder();
        var compare = LabRun.Of(Tiny("compare", "--variant", "sgdw,adamw", "--decay-scaling", "schedule", "--epochs", "1", "--output", temp["c"]));
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.ToString());
        Assert.That(File.ReadAllText(temp["c/compare.json"]), Does.Contain("ηₜ·λ"));
    }
}
