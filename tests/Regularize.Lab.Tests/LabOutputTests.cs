using System.Globalization;
using Regularize.Lab.Cli;
using Regularize.Lab.Output;
using Spectre.Console;

namespace Regularize.Lab.Tests;

/// <summary>What the lab prints and writes: progress bars, redirected output, plots, titles and CSV numbers.</summary>
[NonParallelizable]
public class LabOutputTests : SyntheticDataFixture
{
    [Test]
    public void EachProgressBarStartsWithItsOwnRun()
    {
        var writer = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        var console = new LabConsole(ansi, writer, TextWriter.Null, interactive: true);
        bool secondStartedEarly = true;
        RunProgress.Show(console, [("first", 10), ("second", 10)], progress =>
        {
            progress.Update(0, 5, "first");
            secondStartedEarly = progress.Tasks![1].IsStarted || progress.Tasks[1].StartTime is not null;
            progress.Update(1, 5, "second");
            Assert.That(progress.Tasks[1].IsStarted, Is.True);
            Assert.That(progress.Tasks[1].StartTime, Is.GreaterThanOrEqualTo(progress.Tasks[0].StartTime!.Value));
            return 0;
        });
        Assert.That(secondStartedEarly, Is.False, "the second bar's clock must not run while the first run trains");
    }

    [Test]
    public void RedirectedOutputDoesNotWrapWideTables()
    {
        var output = new StringWriter();
        var console = LabConsole.Plain(output, TextWriter.Null);
        string wide = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"cell{i}"));
        var table = new Table().AddColumns("a", "b");
        table.AddRow("x", wide);
        console.Console.Write(table);
        Assert.That(output.ToString(), Does.Contain(wide), "a row wider than 80 (or 120) columns stays on one line");
        Assert.That(LabConsole.LogWidth, Is.GreaterThan(500));
    }

    [Test]
    public void EpochPlotsOfShortRunsHaveWholeNumberTicks()
    {
        var plot = Charts.LinesPlot("loss", "epoch", "loss", [new Series("a", [1, 2], [0.9, 0.7])], integerX: true);
        plot.GetImage(400, 300);
        var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToArray();
        Assert.That(ticks, Is.Not.Empty);
        Assert.That(ticks, Has.All.Matches<double>(t => t == Math.Round(t)), string.Join(", ", ticks));
    }

    [Test]
    public void TitlesSayOneEpoch()
    {
        Assert.That(Lists.Count(1, "epoch"), Is.EqualTo("1 epoch"));
        Assert.That(Lists.Count(3, "epoch"), Is.EqualTo("3 epochs"));
        using var temp = new TempFolder();
        var run = LabRun.Of("compare", "--data", DataPath, "--hidden", "16", "--batch-size", "32", "--epochs", "1", "--variant", "adamw",
            "--threads", "1", "--output", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain(", 1 epoch, batch 32"));
        Assert.That(run.Output, Does.Not.Contain("1 epochs"));
    }

    [TestCase(0.8, 60, "0.2")]
    [TestCase(0.7, 60, "0.3")]
    [TestCase(0.9, 60, "0.1")]
    public void ErrorRatesAreTheShortestRoundTripOfWrongOverExamples(double accuracy, int examples, string expected)
    {
        Assert.That(ResultFiles.D(1 - accuracy), Is.Not.EqualTo(expected), "1 − accuracy is the inexact form this avoids");
        Assert.That(ResultFiles.D(ResultFiles.ErrorRate(accuracy, examples)), Is.EqualTo(expected));
    }

    [Test]
    public void SweepCsvErrorsAreWrongOverTestExamples()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of("sweep", "--data", DataPath, "--hidden", "16", "--batch-size", "32", "--epochs", "1", "--threads", "1",
            "--lrs", "1e-3,1e-2,1e-1", "--weight-decays", "0,0.1", "--output", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var rows = File.ReadAllLines(temp["sweep.csv"]).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(rows, Has.Length.EqualTo(6));
        foreach (var row in rows)
        {
            double accuracy = double.Parse(row[5], CultureInfo.InvariantCulture);
            double wrong = 60 - Math.Round(accuracy * 60);
            Assert.That(row[6], Is.EqualTo((wrong / 60).ToString("R", CultureInfo.InvariantCulture)), string.Join(",", row));
        }
    }
}
