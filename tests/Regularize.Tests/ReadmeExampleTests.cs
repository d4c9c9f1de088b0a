using System.Text.RegularExpressions;
using Regularize.Tests.Data;

namespace Regularize.Tests;

/// <summary>The example of the package README (src/Regularize/PACKAGE.md) compiles, runs, and is the one the README shows.</summary>
public class ReadmeExampleTests
{
    [Test]
    public void TheExampleTrainsWithADecayMaskAndEvaluates()
    {
        var (groups, test) = ReadmeExample.Run();
        Assert.That(groups, Has.Count.EqualTo(2));
        Assert.That(groups[0].Parameters.Select(p => p.Name), Is.EqualTo(new[] { "0.weight", "2.weight" }));
        Assert.That(groups[0].WeightDecay, Is.EqualTo(1e-4));
        Assert.That(groups[1].Parameters.Select(p => p.Name), Is.EqualTo(new[] { "0.bias", "2.bias" }));
        Assert.That(groups[1].WeightDecay, Is.EqualTo(0));
        Assert.That(test.Count, Is.EqualTo(200));
        Assert.That(test.Accuracy, Is.GreaterThanOrEqualTo(0.9), "a circle in the plane is learnt well by a 64-unit MLP");
    }

    [Test]
    public void TheReadmeShowsTheExampleLineForLine()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Regularize", "PACKAGE.md"));
        string source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "PackageConsumer", "ReadmeExample.cs"));
        var block = Regex.Match(readme, "```csharp\\n(.*?)```", RegexOptions.Singleline);
        Assert.That(block.Success, "the README has a C# block");
        string example = Regex.Match(source, "// <example>\\n(.*?)// </example>", RegexOptions.Singleline).Groups[1].Value;
        static string[] Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)).ToArray();
        Assert.That(Lines(block.Groups[1].Value), Is.EqualTo(Lines(example)));
        Assert.That(readme, Does.Not.Match(@"\]\((?!https?://)[^)]+\)"), "links on a package page must be absolute");
        Assert.That(readme, Does.Not.Contain("!["), "no images on the package page");
    }
}
