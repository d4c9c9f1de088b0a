using System.Globalization;

namespace Regularize.Lab.Tests;

/// <summary><c>regularize pca</c> on the tiny synthetic IDX folder (8×8 images, 240 training / 60 test).</summary>
[NonParallelizable]
public class PcaCommandTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--batch-size", "32", "--epochs", "2", "--threads", "1"];

    [Test]
    public void WritesPicturesCurvesAndTheAccuracyTable()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("pca", "--components", "8,4", "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        foreach (string name in new[] { "mean.png", "components.png", "reconstructions.png", "explained-variance.png", "accuracy.png" })
        {
            Assert.That(new FileInfo(temp[name]).Length, Is.GreaterThan(100), name);
        }
        var rows = File.ReadAllLines(temp["pca.csv"]).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(rows.Select(r => r[0]), Is.EqualTo(new[] { "4", "8", "0" }), "k ascending, then the raw pixels");
        double Variance(int i) => double.Parse(rows[i][2], CultureInfo.InvariantCulture);
        Assert.That(Variance(0), Is.GreaterThan(0).And.LessThan(Variance(1)));
        Assert.That(Variance(1), Is.LessThan(1.0));
        Assert.That(Variance(2), Is.EqualTo(1.0));
        Assert.That(rows.Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 4, 8, 64 }), "inputs of each MLP");
        // The ten bar patterns span nine directions around the mean, the noise is spread over all 64: eight
        // components keep most of the variance.
        Assert.That(Variance(1), Is.GreaterThan(0.75));
        Assert.That(rows.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)), Is.All.InRange(0.0, 1.0), "test accuracies");
        Assert.That(OneLine(run.Output), Does.Contain("raw pixels (64)").And.Contain("k = 4").And.Contain("Full solver"), "auto picks the full SVD below 500 × 500");
    }

    [Test]
    public void RandomizedSolverFitsOnlyWhatItNeeds()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("pca", "--components", "6", "--solver", "randomized", "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(OneLine(run.Output), Does.Contain("Randomized solver, 16 components"), "the 16 shown as images");
    }

    /// <summary>The console wraps long lines; compare with the line breaks read as spaces.</summary>
    private static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [TestCase("0", "--components must list positive numbers")]
    [TestCase("65", "--components 65 exceeds min(images, pixels) = 64")]
    public void BadComponentsAreRefused(string components, string message)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("pca", "--components", components, "--output", temp.Path));
        Assert.That(run.ExitCode, Is.EqualTo(Regularize.Lab.Cli.LabApp.UsageError), run.ToString());
        Assert.That(run.Error, Does.Contain(message));
    }

    [Test]
    public void UnknownSolverIsRefused()
    {
        var run = LabRun.Of(Tiny("pca", "--solver", "qr"));
        Assert.That(run.ExitCode, Is.EqualTo(Regularize.Lab.Cli.LabApp.UsageError), run.ToString());
        Assert.That(run.Error, Does.Contain("--solver must be auto, full, covariance or randomized, was 'qr'"));
    }
}
