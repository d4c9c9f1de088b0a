namespace Regularize.Lab.Tests;

/// <summary>lr-find on a tiny synthetic IDX folder.</summary>
[NonParallelizable]
public class LrFindCommandTests : SyntheticDataFixture
{
    private string[] Tiny(params string[] args) => [.. args, "--data", DataPath, "--hidden", "16", "--batch-size", "32"];

    [Test]
    public void LrFindWritesCurveAndSuggestion()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("lr-find", "--steps", "60", "--start", "1e-5", "--end", "10", "--output", temp.Path));
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
    public void LrFindThatDivergesAtOnceSaysSo()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(Tiny("lr-find", "--variant", "sgd-l2", "--start", "1000", "--end", "1e6", "--steps", "20", "--output", temp.Path));
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.Contain("lower --start"));
    }
}
