using System.Text.Json.Nodes;

namespace Regularize.Lab.Tests;

/// <summary>
/// <c>sweep merge</c> and <c>sweep --resume</c> on damaged part and progress files (written by hand, no training):
/// each is rejected in one line that names the file and the field, before anything is written.
/// </summary>
[NonParallelizable]
public class SweepReportTests : SyntheticDataFixture
{
    /// <summary>A valid part file of a 2 × 2 grid (adamw, lr 1e-3 and 1e-2, λ 0 and 0.1) for shard <paramref name="shard"/> of 2.</summary>
    private static JsonObject Part(int shard)
    {
        var trials = new JsonArray();
        double[] lrs = [1e-3, 1e-2], wds = [0, 0.1];
        for (int t = shard; t < 4; t += 2)
        {
            trials.Add(new JsonObject
            {
                ["index"] = t, ["learningRate"] = lrs[t / 2], ["weightDecay"] = wds[t % 2], ["trainLoss"] = 1.0 + t,
                ["testLoss"] = 1.5 + t, ["testAccuracy"] = 0.5, ["testError"] = 0.5, ["decayedWeightNorm"] = 3.0,
                ["diverged"] = false, ["seconds"] = 0.25,
            });
        }
        return new JsonObject
        {
            ["command"] = "sweep",
            ["formatVersion"] = 1,
            ["grid"] = new JsonObject
            {
                ["optimizer"] = "adamw", ["decayScaling"] = "lr", ["learningRates"] = new JsonArray(1e-3, 1e-2),
                ["weightDecays"] = new JsonArray(0.0, 0.1), ["epochs"] = 1, ["batchSize"] = 32, ["hidden"] = new JsonArray(16),
                ["seed"] = 0, ["trainExamples"] = 240, ["testExamples"] = 60, ["dataFingerprint"] = "0123456789abcdef",
            },
            ["shardIndex"] = shard,
            ["shardCount"] = 2,
            ["trials"] = trials,
        };
    }

    private static readonly Dictionary<string, (Action<JsonObject> Damage, string Field)> Damages = new()
    {
        ["grid missing"] = (p => p.Remove("grid"), "grid is missing or null."),
        ["grid null"] = (p => p["grid"] = null, "grid is missing or null."),
        ["shardCount 0"] = (p => p["shardCount"] = 0, "shardCount is 0; it must be at least 1."),
        ["shardIndex beyond"] = (p => p["shardIndex"] = 2, "shardIndex is 2, outside [0, 1]."),
        ["empty learning rates"] = (p => p["grid"]!["learningRates"] = new JsonArray(), "grid.learningRates is empty."),
        ["empty weight decays"] = (p => p["grid"]!["weightDecays"] = new JsonArray(), "grid.weightDecays is empty."),
        ["null hidden"] = (p => p["grid"]!["hidden"] = null, "grid.hidden is missing or null."),
        ["zero hidden"] = (p => p["grid"]!["hidden"] = new JsonArray(0), "grid.hidden is [0]"),
        ["null optimizer"] = (p => p["grid"]!["optimizer"] = null, "grid.optimizer is missing or null, not one of"),
        ["huge grid"] = (p =>
        {
            p["grid"]!["learningRates"] = new JsonArray(Enumerable.Range(1, 50_000).Select(i => (JsonNode)JsonValue.Create(i * 1e-6)).ToArray());
            p["grid"]!["weightDecays"] = new JsonArray(Enumerable.Range(0, 50_000).Select(i => (JsonNode)JsonValue.Create(i * 1e-6)).ToArray());
        }, "grid.learningRates × grid.weightDecays is 50000 × 50000 = 2500000000 trials, more than 1000000."),
        ["trials null"] = (p => p["trials"] = null, "trials is missing or null."),
        ["a null trial"] = (p => p["trials"]!.AsArray()[0] = null, "trials[0] is null."),
        ["trial outside"] = (p => p["trials"]!.AsArray()[0]!["index"] = 6, "trials[0].index is 6, outside the grid's 4 trials."),
        ["trial of another shard"] = (p => p["trials"]!.AsArray()[0]!["index"] = 0, "trials[0].index is 0, which is not in shard 1/2."),
        ["trial twice"] = (p => p["trials"]!.AsArray()[1]!["index"] = 1, "trials[1].index is 1, which an earlier trial already has."),
        ["trial of other values"] = (p => p["trials"]!.AsArray()[0]!["learningRate"] = 0.5, "trials[0] has lr 0.5 and λ 0.1, but trial 1 of the grid has lr 0.001 and λ 0.1."),
        ["command"] = (p => p["command"] = "compare", "command is \"compare\", not \"sweep\"."),
        ["shardCount text"] = (p => p["shardCount"] = "2", "not a sweep result file: The JSON value could not be converted to Regularize.Lab.Commands.SweepReport. Path: $.shardCount"),
    };

    private static IEnumerable<string> DamageNames => Damages.Keys;

    [Test]
    public void TheUndamagedPartsMerge()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["p0.json"], Part(0).ToJsonString());
        File.WriteAllText(temp["p1.json"], Part(1).ToJsonString());
        var run = LabRun.Of("sweep", "merge", temp["p0.json"], temp["p1.json"], "--output", temp["out"]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(File.ReadAllLines(temp["out/sweep.csv"]), Has.Length.EqualTo(5));
    }

    [TestCaseSource(nameof(DamageNames))]
    public void MergeRejectsADamagedPartBeforeWritingAnything(string damage)
    {
        using var temp = new TempFolder();
        var bad = Part(1);
        Damages[damage].Damage(bad);
        File.WriteAllText(temp["p0.json"], Part(0).ToJsonString());
        File.WriteAllText(temp["p1.json"], bad.ToJsonString());
        var run = LabRun.Of("sweep", "merge", temp["p0.json"], temp["p1.json"], "--output", temp["out"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain($"{temp["p1.json"]}: {Damages[damage].Field}"));
        Assert.That(run.Error, Does.Not.Contain(".."));
        Assert.That(Directory.Exists(temp["out"]), Is.False, "nothing written");
    }

    [Test]
    public void ATrialThatDiffersBetweenPartsNamesBothFiles()
    {
        using var temp = new TempFolder();
        var again = Part(0);
        again["trials"]!.AsArray()[0]!["testLoss"] = 9.0;
        File.WriteAllText(temp["p0.json"], Part(0).ToJsonString());
        File.WriteAllText(temp["again.json"], again.ToJsonString());
        var run = LabRun.Of("sweep", "merge", temp["p0.json"], temp["again.json"], "--output", temp["out"]);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain($"{temp["again.json"]}: trial 0 differs from the same trial in {temp["p0.json"]}."));
    }

    [Test]
    public void ResumeRejectsADamagedProgressFileBeforeTraining()
    {
        using var temp = new TempFolder();
        var progress = Part(0);
        progress["grid"]!["hidden"] = null;
        File.WriteAllText(temp["sweep-progress-0-of-2.json"], progress.ToJsonString());
        var run = LabRun.Of("sweep", "--data", DataPath, "--hidden", "16", "--batch-size", "32", "--lrs", "1e-3,1e-2",
            "--weight-decays", "0,0.1", "--epochs", "1", "--shard", "0/2", "--resume", "--output", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain($"{temp["sweep-progress-0-of-2.json"]}: grid.hidden is missing or null."));
        Assert.That(run.Output, Does.Not.Contain("trial 0:"), "no trial ran");
    }

    [Test]
    public void AGridTooLargeToCountIsRefusedAsAnOption()
    {
        using var temp = new TempFolder();
        string lrs = string.Join(",", Enumerable.Range(1, 1001).Select(i => (i * 1e-6).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        string wds = string.Join(",", Enumerable.Range(0, 1000).Select(i => (i * 1e-6).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var run = LabRun.Of("sweep", "--data", DataPath, "--lrs", lrs, "--weight-decays", wds, "--output", temp.Path);
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.Error, Does.Contain("--lrs × --weight-decays is 1001 × 1000 = 1001000 trials, more than 1000000."));
    }
}
