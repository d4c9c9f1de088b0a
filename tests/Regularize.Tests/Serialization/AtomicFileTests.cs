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

    private const string Id = "0123456789abcdef0123456789abcdef";

    private string Stale(string fileName, bool old = true)
    {
        string p = Path.Combine(_dir, fileName);
        File.WriteAllBytes(p, new byte[1000]);
        if (old) File.SetLastWriteTimeUtc(p, DateTime.UtcNow - AtomicFile.StaleAge - TimeSpan.FromMinutes(1));
        return p;
    }

    [Test]
    public void TheNextSaveRemovesStaleTemporariesOfTheSameTargetOnly()
    {
        string path = Path.Combine(_dir, "f.bin");
        string killed = Stale($".f.bin.{Id}.tmp");
        string killedToo = Stale($".f.bin.{Guid.NewGuid():N}.tmp");
        string[] kept =
        [
            Stale($".g.bin.{Id}.tmp"),                 // another target's
            Stale($".f.bin.x.{Id}.tmp"),               // target f.bin.x's
            Stale($".f.bin.{Id[..31]}.tmp"),           // not our pattern: 31 digits
            Stale($".f.bin.{Id.ToUpperInvariant()}.tmp"), // not our pattern: upper case
            Stale($".f.bin.notes.tmp"),
            Stale($"f.bin.{Id}.tmp"),                  // no leading dot
            Stale($".f.bin.{Id}.tmp.bak"),
            Stale($".f.bin.{Guid.NewGuid():N}.tmp", old: false), // recent: perhaps a save that is still running
        ];
        AtomicFile.WriteAllBytes(path, [1, 2]);
        Assert.That(File.Exists(killed) || File.Exists(killedToo), Is.False, "the stale temporaries of f.bin are gone");
        Assert.That(kept.Where(f => !File.Exists(f)), Is.Empty, "every other file is kept");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2 }));
    }

    [Test]
    public void ATemporaryHeldOpenByASaveInProgressIsKept()
    {
        string path = Path.Combine(_dir, "f.bin");
        string busy = Stale($".f.bin.{Id}.tmp");
        using (new FileStream(busy, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            Assert.That(AtomicFile.RemoveStaleTemporaries(path), Is.EqualTo(0));
            AtomicFile.WriteAllBytes(path, [3]);
            Assert.That(File.Exists(busy), "held with FileShare.None, as Write holds its own");
        }
        Assert.That(AtomicFile.RemoveStaleTemporaries(path), Is.EqualTo(1));
        Assert.That(File.Exists(busy), Is.False);
    }

    [Test]
    public void AMissingFolderIsReportedWithThePathGiven()
    {
        string path = Path.Combine(_dir, "nope", "f.bin");
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(path, [1]))!;
        Assert.That(e.Message, Does.StartWith($"Cannot save '{path}': the folder '{Path.Combine(_dir, "nope")}' does not exist."));
        Assert.That(e.Message, Does.Not.Contain(".tmp").And.Not.Contain(".."));
    }

    [Test]
    public void AFolderThatIsAFileIsReportedWithThePathGiven()
    {
        string notFolder = Path.Combine(_dir, "plain");
        File.WriteAllBytes(notFolder, [0]);
        string path = Path.Combine(notFolder, "f.bin");
        var e = Assert.Catch<IOException>(() => AtomicFile.WriteAllBytes(path, [1]))!;
        Assert.That(e.Message, Does.StartWith($"Cannot save '{path}': "));
        Assert.That(e.Message, Does.Not.Contain(".tmp"));
    }

    [Test]
    public void ATargetThatIsAFolderIsReportedWithThePathGiven()
    {
        string path = Path.Combine(_dir, "dir");
        Directory.CreateDirectory(path);
        var e = Assert.Catch(() => AtomicFile.WriteAllBytes(path, [1]))!;
        Assert.That(e, Is.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(e.Message, Does.StartWith($"Cannot save '{path}': "));
        Assert.That(e.Message, Does.Not.Contain(".tmp"));
        Assert.That(Directory.GetFiles(_dir), Is.Empty, "the temporary file was removed");
    }

    [Test]
    public void TheCallersOwnExceptionsPassUnchanged()
    {
        string path = Path.Combine(_dir, "f.bin");
        var e = Assert.Throws<EndOfStreamException>(() => AtomicFile.Write(path, _ => throw new EndOfStreamException("mine")))!;
        Assert.That(e.Message, Is.EqualTo("mine"));
    }
}
