using System.Globalization;
using System.Text.Json;
using Regularize.Lab.Experiments;
using Regularize.Schedules;

namespace Regularize.Lab.Tests;

/// <summary>batch-size on the tiny synthetic IDX folder (8×8 images, 240 training / 60 test).</summary>
[NonParallelizable]
public class BatchSizeCommandTests : SyntheticDataFixture
{
    private const int TrainingSetSize = 240;

    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--epochs", "2", "--threads", "1"];

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    [Test]
    public void WritesTheTableCsvJsonAndPlots()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("batch-size", "--batch-sizes", "64,16", "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        foreach (string name in new[] { "loss", "accuracy", "weight-norm", "accuracy-throughput" })
        {
            Assert.That(new FileInfo(temp[name + ".png"]).Length, Is.GreaterThan(1000), name);
            Assert.That(File.ReadAllText(temp[name + ".svg"]), Does.Contain("<svg"), name);
        }

        var csv = File.ReadAllLines(temp["batch-size.csv"]);
        Assert.That(csv, Has.Length.EqualTo(1 + 2 * 2), "header + 2 batch sizes × 2 epochs");
        Assert.That(csv[0], Does.StartWith("batch_size,epoch,steps,train_loss"));
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(rows.Select(r => r[0]), Is.EqualTo(new[] { "16", "16", "64", "64" }), "batch sizes in increasing order");
        Assert.That(rows.Select(r => r[2]), Is.EqualTo(new[] { "15", "30", "4", "8" }), "steps: 240/16 = 15 and ⌈240/64⌉ = 4 per epoch");

        using var json = JsonDocument.Parse(File.ReadAllText(temp["batch-size.json"]));
        var root = json.RootElement;
        Assert.That(root.GetProperty("command").GetString(), Is.EqualTo("batch-size"));
        Assert.That(root.GetProperty("variant").GetString(), Is.EqualTo("adamw"));
        var runs = root.GetProperty("runs").EnumerateArray().ToArray();
        Assert.That(runs.Select(r => r.GetProperty("batchSize").GetInt32()), Is.EqualTo(new[] { 16, 64 }));
        Assert.That(runs.Select(r => r.GetProperty("stepsPerEpoch").GetInt32()), Is.EqualTo(new[] { 15, 4 }));
        Assert.That(runs.Select(r => r.GetProperty("totalSteps").GetInt64()), Is.EqualTo(new[] { 30L, 8L }));
        foreach (var r in runs)
        {
            Assert.That(r.GetProperty("epochs").GetArrayLength(), Is.EqualTo(2));
            Assert.That(r.GetProperty("trainSeconds").GetArrayLength(), Is.EqualTo(2), "one training time per epoch");
            Assert.That(r.GetProperty("examplesPerSecond").GetDouble(), Is.GreaterThan(0));
            double perEpoch = r.GetProperty("secondsPerEpoch").GetDouble();
            Assert.That(perEpoch, Is.GreaterThan(0));
            Assert.That(r.GetProperty("examplesPerSecond").GetDouble(), Is.EqualTo(TrainingSetSize / perEpoch).Within(1).Percent);
        }

        foreach (string column in new[] { "batch", "steps/ep", "Σ lr·λ", "s/ep", "ex/s", "test acc", "‖θ‖" }) Assert.That(run.Output, Does.Contain(column));
        Assert.That(run.Output, Does.Contain("wrote 10 files"));
    }

    /// <summary>
    /// The peak lr and λ of every batch size, read back from the JSON, the CSV and the table, against the rules computed
    /// here: lr₀·(b/128)^p and λ₀, or the normalized λ of <see cref="NormalizedWeightDecay"/> with λ_norm fixed by batch 128.
    /// </summary>
    [TestCase("none", "fixed")]
    [TestCase("linear", "fixed")]
    [TestCase("sqrt", "fixed")]
    [TestCase("sqrt", "normalized")]
    [TestCase("linear", "normalized")]
    public void LearningRateAndWeightDecayFollowTheChosenRules(string lrScaling, string decayRule)
    {
        const double lr0 = 2e-3, lambda0 = 0.3;
        const int epochs = 2;
        int[] sizes = [16, 128, 240];
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("batch-size", "--batch-sizes", "240,16,128", "--lr", "2e-3", "--weight-decay", "0.3",
            "--lr-scaling", lrScaling, "--decay-rule", decayRule, "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        double ExpectedLr(int b) => lrScaling switch
        {
            "none" => lr0,
            "linear" => lr0 * b / 128.0,
            _ => lr0 * Math.Sqrt(b / 128.0),
        };
        double lambdaNorm = NormalizedWeightDecay.ToNormalized(lambda0, 128, TrainingSetSize, epochs);
        double ExpectedLambda(int b) => decayRule == "fixed" ? lambda0 : NormalizedWeightDecay.Normalized(lambdaNorm, b, TrainingSetSize, epochs);

        using var json = JsonDocument.Parse(File.ReadAllText(temp["batch-size.json"]));
        var root = json.RootElement;
        Assert.That(root.GetProperty("learningRateScaling").GetString(), Is.EqualTo(lrScaling));
        Assert.That(root.GetProperty("decayRule").GetString(), Is.EqualTo(decayRule));
        Assert.That(root.GetProperty("settings").GetProperty("batchSize").GetInt32(), Is.EqualTo(128), "the reference batch");
        if (decayRule == "fixed") Assert.That(root.GetProperty("lambdaNorm").ValueKind, Is.EqualTo(JsonValueKind.Null));
        else Assert.That(root.GetProperty("lambdaNorm").GetDouble(), Is.EqualTo(lambdaNorm).Within(1e-12).Percent);

        var runs = root.GetProperty("runs").EnumerateArray().ToArray();
        Assert.That(runs, Has.Length.EqualTo(3));
        var rows = File.ReadAllLines(temp["batch-size.csv"]).Skip(1).Select(l => l.Split(',')).ToArray();
        for (int i = 0; i < sizes.Length; i++)
        {
            int b = sizes[i];
            var r = runs[i];
            Assert.That(r.GetProperty("batchSize").GetInt32(), Is.EqualTo(b));
            double lr = r.GetProperty("learningRate").GetDouble(), lambda = r.GetProperty("weightDecay").GetDouble();
            Assert.That(lr, Is.EqualTo(ExpectedLr(b)).Within(1e-12).Percent, $"lr at batch {b}");
            Assert.That(lambda, Is.EqualTo(ExpectedLambda(b)).Within(1e-12).Percent, $"λ at batch {b}");
            if (decayRule == "normalized")
                Assert.That(lambda, Is.EqualTo(lambda0 * Math.Sqrt(b / 128.0)).Within(1e-9).Percent, "λ_norm·√(b/(B·T)) with batch 128 at λ₀ is λ₀·√(b/128)");
            else
                Assert.That(lambda, Is.EqualTo(lambda0), "fixed keeps λ");

            // Σ lr(t)·λ over the run's schedule (warm-up + cosine).
            long total = r.GetProperty("totalSteps").GetInt64();
            Assert.That(total, Is.EqualTo(epochs * ((TrainingSetSize + b - 1) / b)));
            var schedule = Variant.Find("adamw").Schedule(ExpectedLr(b), total);
            double sum = 0;
            for (long t = 0; t < total; t++) sum += schedule.At(t) * ExpectedLambda(b);
            Assert.That(r.GetProperty("decaySum").GetDouble(), Is.EqualTo(sum).Within(1e-9).Percent, $"Σ lr·λ at batch {b}");

            // The CSV: the optimizer's λ in every epoch, and the learning rate of each epoch's last step on the schedule.
            var mine = rows.Where(row => row[0] == b.ToString(CultureInfo.InvariantCulture)).ToArray();
            Assert.That(mine, Has.Length.EqualTo(epochs));
            foreach (var row in mine)
            {
                Assert.That(Number(row[10]), Is.EqualTo(ExpectedLambda(b)).Within(1e-6).Percent, $"weight_decay at batch {b}, epoch {row[1]}");
                long steps = long.Parse(row[2], CultureInfo.InvariantCulture);
                Assert.That(Number(row[9]), Is.EqualTo(schedule.At(steps - 1)).Within(1e-6).Percent, $"learning_rate at batch {b}, epoch {row[1]}");
            }

            Assert.That(run.Output, Does.Contain($" {G(ExpectedLr(b))} "), $"the table shows lr at batch {b}");
            Assert.That(run.Output, Does.Contain($" {G(ExpectedLambda(b))} "), $"the table shows λ at batch {b}");
        }
        if (decayRule == "fixed")
        {
            Assert.That(rows.Select(row => Number(row[10])).Distinct().Count(), Is.EqualTo(1), "one λ for every batch size");
        }
        else
        {
            Assert.That(rows.Select(row => Number(row[10])).Distinct().Count(), Is.EqualTo(3), "λ grows with the batch size");
        }
    }

    [Test]
    public void TheSameSeedGivesTheSameNumbers()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        using var c = new TempFolder();
        string[] options = ["batch-size", "--batch-sizes", "16,64", "--decay-rule", "normalized", "--weight-decay", "1"];
        Assert.That(LabRun.Of(Tiny([.. options, "--output", a.Path, "--seed", "7"])).ExitCode, Is.EqualTo(0));
        Assert.That(LabRun.Of(Tiny([.. options, "--output", b.Path, "--seed", "7"])).ExitCode, Is.EqualTo(0));
        Assert.That(LabRun.Of(Tiny([.. options, "--output", c.Path, "--seed", "8"])).ExitCode, Is.EqualTo(0));
        Assert.That(WithoutSeconds(a["batch-size.csv"]), Has.Length.EqualTo(1 + 2 * 2));
        Assert.That(WithoutSeconds(b["batch-size.csv"]), Is.EqualTo(WithoutSeconds(a["batch-size.csv"])));
        Assert.That(WithoutSeconds(c["batch-size.csv"]), Is.Not.EqualTo(WithoutSeconds(a["batch-size.csv"])), "another seed, other numbers");
    }

    [TestCase("twice", "--batch-sizes", "32,16,32")]
    [TestCase("positive", "--batch-sizes", "0,32")]
    [TestCase("241 is larger than the training set (240 examples)", "--batch-sizes", "16,241")]
    [TestCase("integers", "--batch-sizes", "16,x")]
    [TestCase("unknown variant 'nosuch'; choose from sgd-l2, sgdw", "--variant", "nosuch")]
    [TestCase("cube", "--lr-scaling", "cube")]
    [TestCase("linear", "--decay-rule", "linear")]
    [TestCase("--batch-size", "--batch-size", "32")]
    [TestCase("--lr must be positive", "--lr", "0")]
    [TestCase("--weight-decay must be >= 0", "--weight-decay", "-1")]
    public void BadOptionsGiveOneLineAndANonZeroExit(string says, params string[] args)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny(["batch-size", .. args, "--output", temp.Path]));
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("regularize: "));
        Assert.That(run.Error, Does.Contain(says));
        Assert.That(File.Exists(Path.Combine(temp.Path, "batch-size.csv")), Is.False, "nothing trained");
    }
}
