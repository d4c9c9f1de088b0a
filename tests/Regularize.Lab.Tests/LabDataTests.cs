using Regularize.Lab.Experiments;
namespace Regularize.Lab.Tests;

public class LabDataTests
{
    [Test]
    public void TheShippedSubsetIsFoundWithoutDataOption()
    {
        string folder = LabData.Resolve(null);
        Assert.That(Path.GetFileName(folder), Is.EqualTo("fashion-mnist"));
        Assert.That(Directory.GetFiles(folder, "*-idx?-ubyte*"), Has.Length.EqualTo(4));
    }

    [Test]
    public void AMissingFolderIsALabError()
    {
        var e = Assert.Throws<Regularize.Lab.Cli.LabException>(() => LabData.Resolve("/no/such/folder"));
        Assert.That(e!.Message, Does.Contain("/no/such/folder"));
    }
}
