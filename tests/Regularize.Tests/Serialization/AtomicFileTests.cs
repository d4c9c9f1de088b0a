using Regularize.Serialization;

namespace Regularize.Tests.Serialization;

public class AtomicFileTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder()
    {
        _dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "atomic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void CreatesAndReplacesAFile()
    {
        string path = Path.Combine(_dir, "f.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        AtomicFile.WriteAllBytes(path, [4]);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 4 }));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AFailureMidWriteLeavesThePreviousFileAndNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "f.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void TheNewContentIsInvisibleUntilTheRename()
    {
        string path = Path.Combine(_dir, "f.bin");
        AtomicFile.WriteAllBytes(path, [1]);
        AtomicFile.Write(path, s =>
        {
            s.Write(new byte[] { 9, 9 });
            s.Flush();
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1 }));
            Assert.That(Directory.GetFiles(_dir).Any(f => Path.GetFileName(f).StartsWith(".f.bin.") && f.EndsWith(".tmp")));
        });
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 9, 9 }));
    }
}
