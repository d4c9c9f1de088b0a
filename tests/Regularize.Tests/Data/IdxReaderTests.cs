using System.Buffers.Binary;
using Regularize.Data;
using static Regularize.Tests.Data.IdxTestFiles;

namespace Regularize.Tests.Data;

public class IdxReaderTests
{
    private static readonly byte[] SmallData = Sequence(2 * 3 * 4);
    private static readonly byte[] SmallFile = Idx(SmallData, 2, 3, 4);

    private static IdxArray ReadBytes(byte[] bytes, bool seekable = true, long maxElements = IdxReader.DefaultMaxElements) =>
        IdxReader.Read(seekable ? new MemoryStream(bytes, writable: false) : new ForwardOnlyStream(bytes), "test.idx", maxElements);

    [TestCase(true, false)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    [TestCase(false, true)]
    public void ReadsPlainAndGzipFromSeekableAndForwardOnlyStreams(bool seekable, bool gzip)
    {
        byte[] file = gzip ? Gzip(SmallFile) : SmallFile;
        IdxArray idx = ReadBytes(file, seekable);
        Assert.That(idx.Shape.ToArray(), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(idx.Data, Is.EqualTo(SmallData));
        Assert.That(idx.ElementType, Is.EqualTo(IdxElementType.UnsignedByte));
        Assert.That(idx.Source, Is.EqualTo("test.idx"));
    }

    [Test]
    public void ReadsFromAPathAndDetectsGzipByContentNotName()
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "idx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string misnamed = Path.Combine(dir, "plain-named.idx");
            File.WriteAllBytes(misnamed, Gzip(SmallFile));
            Assert.That(IdxReader.Read(misnamed).Data, Is.EqualTo(SmallData));
            string plainGz = Path.Combine(dir, "really-plain.gz");
            File.WriteAllBytes(plainGz, SmallFile);
            Assert.That(IdxReader.Read(plainGz).Data, Is.EqualTo(SmallData));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ReadsRanksOneToFour()
    {
        Assert.That(ReadBytes(Idx(Sequence(5), 5)).Shape.ToArray(), Is.EqualTo(new[] { 5 }));
        Assert.That(ReadBytes(Idx(Sequence(24), 1, 2, 3, 4)).Shape.ToArray(), Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void EveryTruncationOfAPlainFileGivesACleanError([Values] bool seekable)
    {
        for (int length = 0; length < SmallFile.Length; length++)
        {
            byte[] cut = SmallFile[..length];
            var e = Assert.Throws<InvalidDataException>(() => ReadBytes(cut, seekable), $"cut at {length}");
            Assert.That(e!.Message, Does.StartWith("test.idx: "));
        }
    }

    [Test]
    public void EveryTruncationOfAGzipFileGivesACleanErrorOrTheFullData([Values] bool seekable)
    {
        byte[] gz = Gzip(SmallFile);
        int loaded = 0;
        for (int length = 0; length < gz.Length; length++)
        {
            byte[] cut = gz[..length];
            try
            {
                // Cutting only the 8-byte trailer (CRC-32, size), or the end-of-block code in the last
                // deflate byte, leaves all of the data readable: .NET's GZipStream does not insist on them.
                Assert.That(ReadBytes(cut, seekable).Data, Is.EqualTo(SmallData), $"cut at {length}");
                loaded++;
            }
            catch (InvalidDataException e)
            {
                Assert.That(e.Message, Does.StartWith("test.idx: "), $"cut at {length}");
            }
        }
        Assert.That(loaded, Is.LessThanOrEqualTo(10));
    }

    [Test]
    public void TheMessageSaysWhatTheHeaderPromisedAndWhereTheDataEnds()
    {
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(SmallFile[..(16 + 10)]));
        Assert.That(e!.Message, Is.EqualTo("test.idx: the header says 2x3x4 = 24 bytes but the data ends after 10."));
        e = Assert.Throws<InvalidDataException>(() => ReadBytes(Gzip(SmallFile[..(16 + 10)])));
        Assert.That(e!.Message, Does.Contain("the header says 2x3x4 = 24 bytes but the data after decompression ends after 10"));
    }

    [Test]
    public void TrailingBytesAreRejected([Values] bool seekable, [Values] bool gzip)
    {
        byte[] longer = [.. SmallFile, 1, 2, 3];
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(gzip ? Gzip(longer) : longer, seekable));
        Assert.That(e!.Message, Does.Contain("2x3x4 = 24 bytes"));
    }

    [Test]
    public void EveryFlippedHeaderByteGivesACleanErrorOrAValidRead([Values] bool gzip)
    {
        int headerLength = 4 + 4 * 3;
        for (int i = 0; i < headerLength; i++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x08, 0x80, 0xFF })
            {
                byte[] bad = (byte[])SmallFile.Clone();
                bad[i] ^= mask;
                byte[] file = gzip ? Gzip(bad) : bad;
                Assert.Throws<InvalidDataException>(() => ReadBytes(file), $"byte {i} ^ {mask:X2}");
            }
        }
    }

    [TestCase(0x09, "signed byte")]
    [TestCase(0x0D, "float32")]
    [TestCase(0x42, "unknown type code")]
    public void OtherElementTypesAreRejectedByName(int type, string name)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(Idx((byte)type, SmallData, 2, 3, 4)));
        Assert.That(e!.Message, Does.Contain($"0x{type:X2} ({name}) is not supported"));
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(255)]
    public void RanksOutsideOneToFourAreRejected(int rank)
    {
        byte[] file = (byte[])SmallFile.Clone();
        file[3] = (byte)rank;
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(file));
        Assert.That(e!.Message, Does.Contain($"rank {rank}"));
    }

    [Test]
    public void ZeroAndNegativeDimensionsAreRejected()
    {
        byte[] file = (byte[])SmallFile.Clone();
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(8), 0);
        Assert.That(() => ReadBytes(file), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("dimension 1 of the header is 0"));
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(8), -1);
        Assert.That(() => ReadBytes(file), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("dimension 1 of the header is 4294967295"));
    }

    [Test]
    public void AHugeLyingDimensionIsRejectedWithoutAllocating([Values] bool seekable)
    {
        // 60000x28x28 promised, 1200 bytes delivered.
        byte[] file = Idx(Sequence(1200), 60000, 28, 28);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(file, seekable));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e!.Message, Does.Contain("the header says 60000x28x28 = 47040000 bytes but the data ends after 1200"));
        Assert.That(allocated, Is.LessThan(256 * 1024));

        // A product beyond any array, and one beyond the caller's limit.
        Assert.That(() => ReadBytes(Idx(Sequence(10), 65536, 65536, 2)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("65536x65536x2, more than the limit"));
        Assert.That(() => ReadBytes(SmallFile, maxElements: 23),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("more than the limit of 23 elements (pass a larger maxElements"));
        Assert.That(ReadBytes(SmallFile, maxElements: 24).Data, Is.EqualTo(SmallData));
    }

    [Test]
    public void AGzipFileWhoseHeaderLiesAllocatesOnlyWhatItDelivers([Values] bool seekable)
    {
        // 2^30 elements promised (the default limit), 100 kB delivered.
        byte[] file = Gzip(Idx(Sequence(100_000), 1024, 1024, 1024));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(file, seekable));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e!.Message, Does.Contain("1024x1024x1024 = 1073741824 bytes but the data after decompression ends after 100000"));
        Assert.That(allocated, Is.LessThan(2 * 100_000 + 512 * 1024));
    }

    [Test]
    public void AGzipBombIsStoppedByTheLimitBeforeDecompressing()
    {
        // 64 MB of zeros compress to about 64 kB; a caller limit of 1 M elements rejects it from the header.
        byte[] bomb = Gzip(Idx(new byte[64 << 20], 64, 1024, 1024));
        Assert.That(bomb.Length, Is.LessThan(200_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(bomb, maxElements: 1 << 20));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e!.Message, Does.Contain("64x1024x1024, more than the limit of 1048576 elements"));
        Assert.That(allocated, Is.LessThan(512 * 1024));
    }

    [Test]
    public void CorruptGzipDataIsAnInvalidDataExceptionNamingTheFile()
    {
        byte[] gz = Gzip(SmallFile);
        var rng = new Random(1);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bad = (byte[])gz.Clone();
            int i = 10 + rng.Next(bad.Length - 18); // inside the deflate data
            bad[i] ^= (byte)(1 + rng.Next(255));
            try
            {
                ReadBytes(bad);
            }
            catch (InvalidDataException e)
            {
                Assert.That(e.Message, Does.StartWith("test.idx: "));
            }
        }
    }

    [Test]
    public void NotIdxAtAll()
    {
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes("PK\x03\x04 a zip"u8.ToArray()));
        Assert.That(e!.Message, Does.Contain("not an IDX file: it starts with 50 4B"));
        Assert.That(() => ReadBytes(Gzip(Gzip(SmallFile))),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("after decompression: the magic number starts with 1F 8B"));
    }

    [Test]
    public void RandomDamageGivesACleanErrorOrAValidReadAndBoundedMemory()
    {
        var rng = new Random(42);
        byte[] original = Idx(Sequence(5 * 6 * 7), 5, 6, 7);
        int loaded = 0, rejected = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            bool gzip = trial % 2 == 0;
            byte[] file = gzip ? Gzip(original) : (byte[])original.Clone();
            switch (rng.Next(4))
            {
                case 0: file[rng.Next(file.Length)] ^= (byte)(1 << rng.Next(8)); break;
                case 1: file = file[..rng.Next(file.Length)]; break;
                case 2: { int at = rng.Next(file.Length); file = [.. file[..at], (byte)rng.Next(256), .. file[at..]]; break; }
                default: { int at = rng.Next(file.Length); file = [.. file[..at], .. file[(at + 1)..]]; break; }
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                IdxArray idx = ReadBytes(file, seekable: trial % 3 != 0);
                Assert.That(idx.Data, Has.Length.EqualTo(idx.Shape.Length));
                loaded++;
            }
            catch (InvalidDataException e)
            {
                Assert.That(e.Message, Does.StartWith("test.idx: "));
                rejected++;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(allocated, Is.LessThan(1 << 20), $"trial {trial}");
        }
        Assert.That(rejected, Is.GreaterThan(1000));
        Assert.That(loaded, Is.GreaterThan(100));
    }
}
