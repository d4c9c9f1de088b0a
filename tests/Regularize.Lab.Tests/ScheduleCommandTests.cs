namespace Regularize.Lab.Tests;

public class ScheduleCommandTests
{
    private static readonly string[][] s_kindList =
    [
        ["cosine", "--base", "0.1", "--floor", "0.001"],
        ["sgdr", "--t0", "50", "--tmult", "2"],
        ["warmup-cosine", "--warmup", "20"],
        ["one-cycle", "--max", "0.01"],
        ["step", "--step-size", "60"],
        ["multistep", "--milestones", "100,150"],
        ["exponential", "--gamma", "0.99"],
        ["linear", "--start-factor", "0.1"],
        ["polynomial", "--power", "2"],
        ["cyclic", "--up", "40", "--mode", "triangular2"],
    ];

    private static IEnumerable<TestCaseData> Kinds() => s_kindList.Select(k => new TestCaseData(k[0], k[1..]).SetArgDisplayNames(k[0]));

    [TestCaseSource(nameof(Kinds))]
    public void EveryKindWritesPngSvgAndCsv(string kind, string[] options)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(["schedule", kind, .. options, "--steps", "200", "--output", temp.Path]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        foreach (string ext in new[] { "png", "svg", "csv" })
        {
            var file = new FileInfo(temp[$"{kind}.{ext}"]);
            Assert.That(file.Exists && file.Length > 100, $"{file.Name} missing or empty");
        }
        Assert.That(File.ReadAllBytes(temp[$"{kind}.png"])[1..4], Is.EqualTo("PNG"u8.ToArray()));
        Assert.That(File.ReadAllText(temp[$"{kind}.svg"]), Does.Contain("<svg"));
        var lines = File.ReadAllLines(temp[$"{kind}.csv"]);
        Assert.That(lines, Has.Length.EqualTo(201));
    }

    [Test]
    public void CsvHoldsTheScheduleValues()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of("schedule", "cosine", "--base", "1", "--floor", "0", "--steps", "11", "--t-max", "10", "--output", temp.Path, "--name", "c");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var lines = File.ReadAllLines(temp["c.csv"]);
        Assert.That(lines[0], Is.EqualTo("step,value"));
        Assert.That(lines[1], Is.EqualTo("0,1"));
        Assert.That(double.Parse(lines[6].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(lines[11], Is.EqualTo("10,0"));
    }

    [Test]
    public void OneCycleAlsoWritesItsMomentum()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of("schedule", "one-cycle", "--max", "0.01", "--steps", "100", "--output", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var lines = File.ReadAllLines(temp["one-cycle.csv"]);
        Assert.That(lines[0], Is.EqualTo("step,value,momentum"));
        Assert.That(lines[1], Does.EndWith(",0.95"));
    }

    [Test]
    public void HelpAndUnknownCommands()
    {
        var help = LabRun.Of();
        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(help.Output, Does.Contain("regularize [command] [options]"));
        Assert.That(help.Output, Does.Contain("compare").And.Contain("sweep").And.Contain("lr-find").And.Contain("schedule"));
        var unknown = LabRun.Of("bogus");
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Error, Is.EqualTo("regularize: Unrecognized command or argument 'bogus'. (see --help)" + Environment.NewLine));
    }

    [TestCase("cosine", "--steps", "1")]
    [TestCase("cosine", "--steps", "abc")]
    [TestCase("exponential", "--gamma", "-1")]
    [TestCase("cyclic", "--mode", "sideways")]
    [TestCase("multistep", "--milestones", "10,x")]
    [TestCase("nonsense")]
    public void BadOptionsGiveOneLineAndANonZeroExit(params string[] args)
    {
        using var temp = new TempFolder();
        var run = LabRun.Of(["schedule", .. args, "--output", temp.Path]);
        Assert.That(run.ExitCode, Is.Not.EqualTo(0), run.ToString());
        Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("regularize: "));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
    }
}
