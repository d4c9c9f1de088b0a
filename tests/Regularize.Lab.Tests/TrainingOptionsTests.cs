using System.CommandLine;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Tests;

/// <summary>One name per concept across the lab's commands, short forms, and help that shows true defaults.</summary>
[NonParallelizable]
public class TrainingOptionsTests : SyntheticDataFixture
{
    private static Command Find(string path)
    {
        Command command = LabApp.BuildRoot(LabConsole.Plain(TextWriter.Null, TextWriter.Null));
        foreach (string name in path.Split(' ')) command = command.Subcommands.Single(c => c.Name == name);
        return command;
    }

    private static Option Option(Command command, string name) =>
        command.Options.SingleOrDefault(o => o.Name == name || o.Aliases.Contains(name))
        ?? throw new AssertionException($"{command.Name} has no {name}");

    [TestCase("compare")]
    [TestCase("sweep")]
    [TestCase("lr-find")]
    [TestCase("batch-size")]
    public void EveryCommandThatTakesAVariantCallsItDashVVariant(string name)
    {
        var command = Find(name);
        Assert.That(Option(command, "--variant").Aliases, Does.Contain("-v"));
        var names = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToArray();
        Assert.That(names, Has.None.EqualTo("--variants").And.None.EqualTo("--optimizer"));
    }

    [TestCase("compare")]
    [TestCase("sweep")]
    [TestCase("sweep merge")]
    [TestCase("lr-find")]
    [TestCase("batch-size")]
    [TestCase("regularizers")]
    [TestCase("pca")]
    [TestCase("background")]
    [TestCase("schedule one-cycle")]
    public void EveryOutputFolderIsDashOOutput(string path)
    {
        var command = Find(path);
        Assert.That(Option(command, "--output").Aliases, Does.Contain("-o"));
        Assert.That(command.Options.SelectMany(o => o.Aliases.Append(o.Name)), Has.None.EqualTo("--out"));
    }

    [Test]
    public void ShortFormsAreTheSameEverywhereAndNeverClash()
    {
        var expected = new Dictionary<string, string>
        {
            ["-e"] = "--epochs", ["-b"] = "--batch-size", ["-o"] = "--output", ["-v"] = "--variant", ["-s"] = "--seed",
            ["-t"] = "--threads", ["-d"] = "--data", ["-m"] = "--model", ["-h"] = "--help",
        };
        var root = LabApp.BuildRoot(LabConsole.Plain(TextWriter.Null, TextWriter.Null));
        var commands = new List<Command>();
        void Walk(Command c) { commands.Add(c); foreach (var s in c.Subcommands) Walk(s); }
        Walk(root);
        foreach (var command in commands)
        {
            var shorts = command.Options.SelectMany(o => o.Aliases.Where(a => a.Length == 2 && a[0] == '-' && a != "-?").Select(a => (a, o.Name))).ToArray();
            Assert.That(shorts.Select(s => s.a), Is.Unique, command.Name);
            foreach (var (alias, name) in shorts)
            {
                Assert.That(expected.TryGetValue(alias, out var meaning) && meaning == name, $"{command.Name}: {alias} is {name}");
            }
        }
    }

    [Test]
    public void ShortFormsRun()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of("compare", "-d", DataPath, "--hidden", "16", "-b", "32", "-e", "1", "-v", "sgdw,adamw", "-s", "3", "-t", "1", "-o", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(File.ReadAllLines(temp["compare.csv"]), Has.Length.EqualTo(1 + 2), "header + 2 variants × 1 epoch");
        Assert.That(run.Output, Does.Contain("batch 32, seed 3, 1 thread"));
    }

    [Test]
    public void HelpShowsListDefaultsAsTypedAndNoCoreCount()
    {
        var help = LabRun.Of("compare", "--help");
        Assert.That(help.ExitCode, Is.EqualTo(0), help.ToString());
        string text = System.Text.RegularExpressions.Regex.Replace(help.Output, @"\s+", " ");
        Assert.That(text, Does.Contain("[default: 256,128]"));
        Assert.That(text, Does.Contain("[default: sgd-l2,sgdw,adam-l2,adamw]"));
        Assert.That(text, Does.Match(@"--threads <threads> [^\[]*\[default: all cores\]"), "not the build machine's core count");
        Assert.That(text, Does.Not.Contain("256|128"));
        var pca = LabRun.Of("pca", "--help");
        Assert.That(System.Text.RegularExpressions.Regex.Replace(pca.Output, @"\s+", " "), Does.Contain("[default: 10,25,50,100,200]"));
    }
}
