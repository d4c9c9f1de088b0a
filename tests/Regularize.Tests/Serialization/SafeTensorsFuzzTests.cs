using System.Buffers.Binary;
using System.Diagnostics;
using Regularize.Serialization;
using static Regularize.Tests.Serialization.SafeTensorsTestFiles;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Thousands of damaged versions of a valid file: each must load (when still valid) or raise an
/// <see cref="InvalidDataException"/>, never another exception, a hang, or an allocation out of proportion
/// to the file's size.
/// </summary>
public class SafeTensorsFuzzTests
{
    private const int Cases = 20_000;
    private static readonly byte[] Valid = Mixed();
    private static readonly int HeaderEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(Valid);

    /// <summary>Reading may allocate the tensors (at most 2x the data for F16), the header, its parse and an exception.</summary>
    private static long AllocationBound(int fileLength) => 128 * 1024 + 16L * fileLength;

    private static long _maxAllocated;

    [Test]
    public void DamagedFilesLoadOrFailCleanly()
    {
        _maxAllocated = 0;
        var rng = new Random(20261125);
        var stopwatch = Stopwatch.StartNew();
        int loaded = 0, rejected = 0;
        var kinds = new Dictionary<string, int>();

        for (int i = 0; i < Valid.Length; i++) Check(Valid[..i], $"truncated to {i}", ref loaded, ref rejected);
        for (int c = 0; c < Cases; c++)
        {
            (byte[] file, string kind) = Mutate(Valid, rng);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            Check(file, $"case {c} ({kind})", ref loaded, ref rejected, forwardOnly: c % 10 == 0);
        }

        TestContext.Out.WriteLine($"{loaded} loaded, {rejected} rejected, {stopwatch.Elapsed.TotalSeconds:F1} s, at most {_maxAllocated} bytes allocated for a file of {Valid.Length}; {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.That(loaded, Is.GreaterThan(100), "some damage (to data bytes) leaves a valid file");
        Assert.That(rejected, Is.GreaterThan(Cases / 2));
        Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(20));
    }

    private static void Check(byte[] file, string what, ref int loaded, ref int rejected, bool forwardOnly = false)
    {
        Stream stream = forwardOnly ? new Data.IdxTestFiles.ForwardOnlyStream(file, 97) : new MemoryStream(file, writable: false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            SafeTensors.Read(stream, "fuzz");
            loaded++;
        }
        catch (InvalidDataException e)
        {
            if (!e.Message.StartsWith("fuzz: ")) Assert.Fail($"{what}: the message does not name the file: {e.Message}");
            rejected++;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(file)}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _maxAllocated = Math.Max(_maxAllocated, allocated);
        if (allocated > AllocationBound(file.Length))
        {
            Assert.Fail($"{what}: allocated {allocated} bytes for a file of {file.Length}\n{Convert.ToHexString(file)}");
        }
    }

    private static readonly byte[] Interesting = "\"{}[],:-.e019 \\xF"u8.ToArray();

    private static (byte[] File, string Kind) Mutate(byte[] valid, Random rng)
    {
        byte[] f = (byte[])valid.Clone();
        int header = HeaderEnd;
        switch (rng.Next(9))
        {
            case 0: // flip bits anywhere
                for (int k = 1 + rng.Next(3); k > 0; k--) f[rng.Next(f.Length)] ^= (byte)(1 << rng.Next(8));
                return (f, "flip");
            case 1: // flip bits in the header
                for (int k = 1 + rng.Next(3); k > 0; k--) f[8 + rng.Next(header - 8)] ^= (byte)(1 << rng.Next(8));
                return (f, "flip-header");
            case 2: // a JSON-significant character somewhere in the header
                f[8 + rng.Next(header - 8)] = Interesting[rng.Next(Interesting.Length)];
                return (f, "json-char");
            case 3: // change one digit of the header (shapes and offsets)
            {
                var digits = Enumerable.Range(8, header - 8).Where(i => f[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                f[digits[rng.Next(digits.Length)]] = (byte)('0' + rng.Next(10));
                return (f, "digit");
            }
            case 4: // insert bytes
            {
                int at = rng.Next(f.Length + 1);
                var extra = new byte[1 + rng.Next(9)];
                rng.NextBytes(extra);
                return ([.. f[..at], .. extra, .. f[at..]], "insert");
            }
            case 5: // delete bytes
            {
                int at = rng.Next(f.Length);
                int n = 1 + rng.Next(Math.Min(9, f.Length - at));
                return ([.. f[..at], .. f[(at + n)..]], "delete");
            }
            case 6: // a lying header length
            {
                ulong n = rng.Next(4) switch
                {
                    0 => (ulong)(header - 8 + rng.Next(-16, 17)),
                    1 => (ulong)rng.NextInt64(),
                    2 => ulong.MaxValue - (ulong)rng.Next(100),
                    _ => (ulong)rng.Next(1 << 20),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(f, n);
                return (f, "header-length");
            }
            case 7: // truncate
                return (f[..rng.Next(f.Length)], "truncate");
            default: // a large number spliced into a shape or offset
            {
                var digits = Enumerable.Range(8, header - 8).Where(i => f[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                int at = digits[rng.Next(digits.Length)];
                byte[] big = System.Text.Encoding.ASCII.GetBytes(rng.Next(3) switch
                {
                    0 => "2147483647",
                    1 => "99999999999999999999999",
                    _ => rng.NextInt64().ToString(),
                });
                return ([.. f[..at], .. big, .. f[(at + 1)..]], "big-number");
            }
        }
    }
}
