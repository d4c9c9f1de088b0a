using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Regularize.Serialization;
using Regularize.Training;

namespace Regularize.Tests.Serialization;

/// <summary>
/// Thousands of damaged checkpoints: each must be read (when still valid) or rejected with an
/// <see cref="InvalidDataException"/>, never another exception, a hang or an allocation out of proportion to its
/// size; and a checkpoint that reads must restore into fresh objects or be refused with a
/// <see cref="CheckpointMismatchException"/>, changing nothing: once through <see cref="CheckpointData.Restore"/>, and
/// once through <see cref="Trainer.RestoreCheckpoint"/> with callbacks whose states the file holds (counters, numbers,
/// a generator, tensors).
/// </summary>
public class CheckpointFuzzTests
{
    private const int ByteCases = 4_000;
    private const int DocumentCases = 4_000;

    private static readonly Lazy<byte[]> Valid = new(() =>
        CheckpointFileTests.Bytes(CheckpointFileTests.CaptureWithCallbacks(CheckpointFileTests.Advanced(), new TrainingProgress(2, 9))));

    /// <summary>Reading allocates the tensors, the header, its parse (twice: safetensors, then the document) and messages.</summary>
    private static long AllocationBound(int fileLength) => 256 * 1024 + 24L * fileLength;

    private long _maxAllocated;
    private int _read, _rejected, _restored, _mismatched, _trainerRestored, _trainerMismatched;

    [Test]
    public void DamagedCheckpointsReadOrFailCleanly()
    {
        byte[] valid = Valid.Value;
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var rng = new Random(7_2026);
        var stopwatch = Stopwatch.StartNew();

        for (int i = 0; i < valid.Length; i += 3) Check(valid[..i], $"truncated to {i}");
        for (int c = 0; c < ByteCases; c++) Check(MutateBytes(valid, headerEnd, rng), $"byte case {c}");
        string document = SafeTensors.Read(new MemoryStream(valid)).Metadata[CheckpointData.MetadataKey];
        for (int c = 0; c < DocumentCases; c++)
        {
            string damaged = MutateDocument(document, rng);
            Check(CheckpointValidationTests.With(damaged), $"document case {c}: {damaged}");
        }

        TestContext.Out.WriteLine($"{_read} read ({_restored} restored, {_mismatched} refused as mismatches; through the trainer " +
            $"{_trainerRestored} restored, {_trainerMismatched} refused, {_trainerTicks / (double)System.Diagnostics.Stopwatch.Frequency:F1} s), {_rejected} rejected, " +
            $"{stopwatch.Elapsed.TotalSeconds:F1} s, at most {_maxAllocated} bytes allocated for a file of {valid.Length}");
        Assert.That(_read, Is.GreaterThan(200), "some damage leaves a valid checkpoint");
        Assert.That(_rejected, Is.GreaterThan((ByteCases + DocumentCases) / 2));
        Assert.That(stopwatch.Elapsed.TotalSeconds, Is.LessThan(30));
    }

    private void Check(byte[] file, string what)
    {
        CheckpointData data;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            data = CheckpointData.Read(new MemoryStream(file, writable: false), "fuzz");
        }
        catch (InvalidDataException e)
        {
            if (!e.Message.StartsWith("fuzz: ")) Assert.Fail($"{what}: the message does not name the file: {e.Message}");
            _rejected++;
            CheckAllocation(before, file, what);
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            return;
        }
        CheckAllocation(before, file, what);
        _read++;

        var rig = new CheckpointRig(modelSeed: 5);
        var weightsBefore = CheckpointTestModels.Bits(rig.Model);
        try
        {
            data.Restore(rig.Model, rig.Optimizer, [rig.Lr], rig.Loader, [rig.Plateau], source: "fuzz");
            _restored++;
        }
        catch (CheckpointMismatchException)
        {
            _mismatched++;
            Assert.That(CheckpointTestModels.Bits(rig.Model), Is.EqualTo(weightsBefore), $"{what}: a refused restore changed the model");
            Assert.That(rig.Lr.StepCount, Is.Zero, $"{what}: a refused restore changed the scheduler");
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: restore threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }

        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var other = new CheckpointRig(modelSeed: 6);
        var trainer = CheckpointFileTests.TrainerWithCallbacks(other);
        var stateBefore = CallbackStates(trainer);
        var bitsBefore = CheckpointTestModels.Bits(other.Model);
        try
        {
            trainer.RestoreCheckpoint(data, other.Loader, "fuzz");
            _trainerRestored++;
        }
        catch (CheckpointMismatchException)
        {
            _trainerMismatched++;
            Assert.That(CheckpointTestModels.Bits(other.Model), Is.EqualTo(bitsBefore), $"{what}: a refused trainer restore changed the model");
            Assert.That(CallbackStates(trainer).Differences(stateBefore), Is.Empty, $"{what}: a refused trainer restore changed a callback or the optimizer");
            Assert.That(trainer.Progress, Is.EqualTo(default(TrainingProgress)));
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: the trainer's restore threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
        _trainerTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
    }

    private long _trainerTicks;

    /// <summary>The optimizer and every callback's state, to compare before and after a refused restore.</summary>
    private static CheckpointData CallbackStates(Trainer trainer)
    {
        var data = new CheckpointData { Optimizer = trainer.Optimizer!.ExportState() };
        foreach (var c in trainer.Callbacks) data.Callbacks.Add(c.GetType().Name, c.ExportState(trainer)!);
        return data;
    }

    private void CheckAllocation(long before, byte[] file, string what)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _maxAllocated = Math.Max(_maxAllocated, allocated);
        if (allocated > AllocationBound(file.Length)) Assert.Fail($"{what}: allocated {allocated} bytes for a file of {file.Length}");
    }

    private static readonly byte[] Interesting = "\"{}[],:-.e019 \\xF"u8.ToArray();

    private static byte[] MutateBytes(byte[] valid, int headerEnd, Random rng)
    {
        byte[] f = (byte[])valid.Clone();
        switch (rng.Next(7))
        {
            case 0:
                for (int k = 1 + rng.Next(3); k > 0; k--) f[rng.Next(f.Length)] ^= (byte)(1 << rng.Next(8));
                return f;
            case 1:
                for (int k = 1 + rng.Next(3); k > 0; k--) f[8 + rng.Next(headerEnd - 8)] ^= (byte)(1 << rng.Next(8));
                return f;
            case 2:
                f[8 + rng.Next(headerEnd - 8)] = Interesting[rng.Next(Interesting.Length)];
                return f;
            case 3:
            {
                var digits = Enumerable.Range(8, headerEnd - 8).Where(i => f[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                f[digits[rng.Next(digits.Length)]] = (byte)('0' + rng.Next(10));
                return f;
            }
            case 4:
            {
                int at = rng.Next(f.Length + 1);
                var extra = new byte[1 + rng.Next(9)];
                rng.NextBytes(extra);
                return [.. f[..at], .. extra, .. f[at..]];
            }
            case 5:
            {
                int at = rng.Next(f.Length);
                int n = 1 + rng.Next(Math.Min(9, f.Length - at));
                return [.. f[..at], .. f[(at + n)..]];
            }
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(f, rng.Next(2) == 0 ? (ulong)rng.NextInt64() : (ulong)(headerEnd - 8 + rng.Next(-16, 17)));
                return f;
        }
    }

    private static readonly string[] Tokens =
    [
        "\"", "{", "}", "[", "]", ",", ":", "-", ".", "e", "0", "1", "9", " ", "\\", "null", "true", "false", "\"Infinity\"",
        "\"-Infinity\"", "NaN", "1e999", "2.5", "-1", "99999999999999999999", "2147483648", "\"LearningRate\"", "\"x\"",
        "\"0000000000000000\"", "\"ffffffffffffffff\"", "[[[[[[[[", "{\"a\":{\"b\":{\"c\":{", "\"version\":2",
        "\"version\":1", "9007199254740992", "1073741825", "\"EarlyStopping\"", "\"ExponentialMovingAverage\"", "\"average.0.weight\"",
    ];

    /// <summary>Damage aimed at the metadata document: tokens replaced, inserted or deleted, values swapped, digits changed.</summary>
    private static string MutateDocument(string doc, Random rng)
    {
        var s = new StringBuilder(doc);
        for (int k = 1 + rng.Next(2); k > 0; k--)
        {
            int at = rng.Next(s.Length);
            switch (rng.Next(5))
            {
                case 0:
                    s.Remove(at, Math.Min(1 + rng.Next(6), s.Length - at));
                    break;
                case 1:
                    s.Insert(at, Tokens[rng.Next(Tokens.Length)]);
                    break;
                case 2:
                    s[at] = Tokens[rng.Next(Tokens.Length)][0];
                    break;
                case 3:
                {
                    var digits = Enumerable.Range(0, s.Length).Where(i => char.IsAsciiDigit(s[i])).ToArray();
                    s[digits[rng.Next(digits.Length)]] = (char)('0' + rng.Next(10));
                    break;
                }
                default:
                {
                    // A value after a colon replaced by another token.
                    int colon = s.ToString().IndexOf(':', at);
                    if (colon < 0) break;
                    int end = colon + 1;
                    while (end < s.Length && s[end] is not (',' or '}' or ']')) end++;
                    s.Remove(colon + 1, end - colon - 1).Insert(colon + 1, Tokens[rng.Next(Tokens.Length)]);
                    break;
                }
            }
        }
        return s.ToString();
    }
}
