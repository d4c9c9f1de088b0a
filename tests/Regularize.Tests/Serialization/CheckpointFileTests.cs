using System.Text.Json.Nodes;
using Regularize.Nn;
using Regularize.Serialization;
using Regularize.Tensors;
using static Regularize.Tests.Serialization.CheckpointTestModels;

namespace Regularize.Tests.Serialization;

/// <summary>The checkpoint file: its layout, its validation, atomic writing and partial loads.</summary>
public class CheckpointFileTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = NewFolder("ckpt");

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    /// <summary>A rig moved away from its initial state: two training steps (optimizer state, BatchNorm statistics,
    /// Dropout's generator, the loader), another scheduler step and two plateau metrics.</summary>
    internal static CheckpointRig Advanced(ulong seed = 1)
    {
        var rig = new CheckpointRig(seed);
        rig.Train(0, 2);
        rig.Lr.Step();
        rig.Plateau.Step(1.0);
        rig.Plateau.Step(2.0);
        return rig;
    }

    internal static byte[] Bytes(CheckpointData data)
    {
        var ms = new MemoryStream();
        data.Write(ms);
        return ms.ToArray();
    }

    internal static CheckpointData Capture(CheckpointRig rig, TrainingProgress progress) =>
        CheckpointData.Capture(progress, rig.Model, rig.Optimizer, [rig.Lr], rig.Loader, [rig.Plateau]);

    [Test]
    public void TheFileIsSafetensorsWithPrefixedTensorsAndAVersionedMetadataDocument()
    {
        var rig = Advanced();
        string path = Path.Combine(_dir, "c.ckpt");
        Capture(rig, new TrainingProgress(0, 2)).Write(path);

        SafeTensorsFile file = SafeTensors.Read(path);
        Assert.That(file.Tensors.Keys, Has.Member("model.0.weight").And.Member("model.1.running_var"));
        Assert.That(file.Tensors.Keys, Has.Member("optimizer.state.0.weight.m").And.Member("optimizer.state.7.bias.v"));
        Assert.That(file.Tensors.Keys, Has.All.StartWith("model.").Or.StartWith("optimizer.state."));
        var doc = JsonNode.Parse(file.Metadata[CheckpointData.MetadataKey])!;
        Assert.That((string?)doc["format"], Is.EqualTo("regularize.checkpoint"));
        Assert.That((int?)doc["version"], Is.EqualTo(1));
        Assert.That((long?)doc["progress"]!["step"], Is.EqualTo(2));
        Assert.That(doc["dropout"]!["3"]!.AsArray(), Has.Count.EqualTo(6));
        Assert.That((int?)doc["loader"]!["position"], Is.EqualTo(16));
        Assert.That((string?)doc["optimizer"]!["type"], Is.EqualTo("AdamW"));
        Assert.That((long?)doc["optimizer"]!["state"]!["0.weight"]!["step"], Is.EqualTo(2));
        Assert.That(doc["plateaus"]![0]!["best"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.Number));
    }

    [Test]
    public void ReadingGivesBackEveryPartExactly()
    {
        var rig = Advanced();
        rig.Plateau.ImportState(rig.Plateau.ExportState() with { Best = double.PositiveInfinity }); // ±∞ are stored as strings
        var data = Capture(rig, new TrainingProgress(3, 17));
        var back = CheckpointData.Read(new MemoryStream(Bytes(data)), "mem");

        Assert.That(back.Progress, Is.EqualTo(new TrainingProgress(3, 17)));
        Assert.That(back.Model.Keys, Is.EquivalentTo(data.Model.Keys));
        foreach (var (name, t) in data.Model)
        {
            Assert.That(back.Model[name].Shape, Is.EqualTo(t.Shape), name);
            Assert.That(Bits(back.Model[name]), Is.EqualTo(Bits(t)), name);
        }
        Assert.That(back.Schedulers.Single().Step, Is.EqualTo(3));
        Assert.That(back.Schedulers.Single().InitialValues, Is.EqualTo(data.Schedulers.Single().InitialValues));
        Assert.That(back.Schedulers.Single() with { InitialValues = [] }, Is.EqualTo(data.Schedulers.Single() with { InitialValues = [] }));
        Assert.That(back.Plateaus, Is.EqualTo(data.Plateaus));
        Assert.That(back.Plateaus.Single().Best, Is.EqualTo(double.PositiveInfinity));
        Assert.That(back.Loader, Is.EqualTo(data.Loader));
        Assert.That(back.ModuleRngStates.Keys, Is.EqualTo(new[] { "3" }));
        Assert.That(back.ModuleRngStates["3"], Is.EqualTo(data.ModuleRngStates["3"]));
        Assert.That(Bytes(back), Is.EqualTo(Bytes(data)), "reading and writing again gives the same bytes");
    }

    [Test]
    public void TheApplicationsMetadataIsStoredBesideTheDocumentAndComesBackOnLoad()
    {
        var rig = Advanced();
        var extra = new Dictionary<string, string> { ["app.history"] = "[0.5, 0.25]", ["app.note"] = "λ = 1e-3" };
        string path = Path.Combine(_dir, "m.ckpt");
        TrainingCheckpoint.Save(path, new TrainingProgress(0, 2), rig.Model, rig.Optimizer, [rig.Lr], rig.Loader, [rig.Plateau], extra);

        Assert.That(SafeTensors.Read(path).Metadata.Keys, Is.EquivalentTo(new[] { CheckpointData.MetadataKey, "app.history", "app.note" }),
            "plain safetensors metadata entries, readable by any safetensors tool");
        var data = CheckpointData.Read(path);
        Assert.That(data.Metadata, Is.EquivalentTo(extra));
        var info = new CheckpointRig(5).Load(path);
        Assert.That(info.Metadata, Is.EquivalentTo(extra));

        var without = CheckpointData.Read(path);
        without.Metadata.Clear();
        Assert.That(without.Differences(data), Is.Empty, "Differences compares the training state, not the application's strings");
        Assert.That(Bytes(CheckpointData.Read(new MemoryStream(Bytes(data)), "mem")), Is.EqualTo(Bytes(data)));

        var reserved = new Dictionary<string, string> { [CheckpointData.MetadataKey] = "{}" };
        var e = Assert.Throws<ArgumentException>(() => CheckpointData.Capture(new TrainingProgress(0, 2), rig.Model, metadata: reserved))!;
        Assert.That(e.Message, Does.Contain(CheckpointData.MetadataKey));
        data.Metadata[CheckpointData.MetadataKey] = "{}";
        Assert.Throws<ArgumentException>(() => data.Write(Path.Combine(_dir, "n.ckpt")));
        Assert.That(File.Exists(Path.Combine(_dir, "n.ckpt")), Is.False);
    }

    [Test]
    public void TensorsOfEveryRankAndSpecialValuesRoundTripBitForBit()
    {
        float nanWithPayload = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        float[] special = [-0f, float.PositiveInfinity, float.NegativeInfinity, nanWithPayload, float.Epsilon, -float.MaxValue, 1e-40f, 0.1f];
        var data = new CheckpointData { Progress = new TrainingProgress(0, 0) };
        int[][] shapes = [[], [1], [8], [2, 4], [2, 1, 4], [1, 2, 1, 2, 2], [3, 5, 7]];
        for (int i = 0; i < shapes.Length; i++)
        {
            int n = shapes[i].Aggregate(1, (a, b) => a * b);
            float[] values = Enumerable.Range(0, n).Select(k => special[(k + i) % special.Length] * (k + 1)).ToArray();
            data.Model[$"t{i}.rank{shapes[i].Length}"] = shapes[i].Length == 0 ? Tensor.Scalar(values[0]) : Tensor.FromArray(values, shapes[i]);
        }
        var back = CheckpointData.Read(new MemoryStream(Bytes(data)));
        Assert.That(back.Differences(data), Is.Empty);
        foreach (var (name, t) in data.Model)
        {
            Assert.That(back.Model[name].Shape.ToArray(), Is.EqualTo(t.Shape.ToArray()), name);
            Assert.That(Bits(back.Model[name]), Is.EqualTo(Bits(t)), name);
        }
    }

    [Test]
    public void RestoringIntoFreshObjectsReproducesTheirState()
    {
        var rig = Advanced();
        var data = Capture(rig, new TrainingProgress(0, 2));
        var fresh = new CheckpointRig(modelSeed: 77);
        var info = CheckpointData.Read(new MemoryStream(Bytes(data))).Restore(fresh.Model, fresh.Optimizer, [fresh.Lr], fresh.Loader, [fresh.Plateau]);

        Assert.That(info.Progress.Step, Is.EqualTo(2));
        Assert.That(info.Weights.IsComplete);
        Assert.That(info.NotRestored, Is.Empty);
        Assert.That(Bits(fresh.Model), Is.EqualTo(Bits(rig.Model)));
        Assert.That(fresh.Lr.StepCount, Is.EqualTo(3));
        Assert.That(fresh.Groups.Select(g => g.LearningRate), Is.EqualTo(rig.Groups.Select(g => g.LearningRate)));
        Assert.That(fresh.Plateau.ExportState(), Is.EqualTo(rig.Plateau.ExportState()));
        Assert.That(fresh.Loader.GetState(), Is.EqualTo(rig.Loader.GetState()));
        Assert.That(((Dropout)fresh.Model[3]).GetRngState(), Is.EqualTo(((Dropout)rig.Model[3]).GetRngState()));
    }

    [Test]
    public void PartsWithoutAnObjectAreReportedNotRestored()
    {
        var data = Capture(Advanced(), new TrainingProgress(0, 2));
        var fresh = new CheckpointRig(modelSeed: 77);
        var info = data.Restore(fresh.Model);
        Assert.That(info.NotRestored, Has.Count.EqualTo(4));
        Assert.That(string.Join(" ", info.NotRestored), Does.Contain("optimizer").And.Contain("scheduler").And.Contain("plateau").And.Contain("data loader"));
        Assert.That(fresh.Lr.StepCount, Is.Zero);
    }

    [Test]
    public void AMismatchAnywhereChangesNothing()
    {
        var data = Capture(Advanced(), new TrainingProgress(0, 2));
        var fresh = new CheckpointRig(modelSeed: 77);
        var otherLoader = new Regularize.Data.DataLoader(CheckpointRig.Dataset(), batchSize: 5, shuffle: true, seed: 11);
        var before = Bits(fresh.Model);
        var rngBefore = ((Dropout)fresh.Model[3]).GetRngState();

        var e = Assert.Throws<CheckpointMismatchException>(() => data.Restore(fresh.Model, fresh.Optimizer, [fresh.Lr], otherLoader, [fresh.Plateau], source: "c.ckpt"))!;
        Assert.That(e.Message, Does.StartWith("c.ckpt does not fit").And.Contain("batch size 5").And.Contain("batch size 8"));
        Assert.That(Bits(fresh.Model), Is.EqualTo(before));
        Assert.That(fresh.Lr.StepCount, Is.Zero);
        Assert.That(fresh.Plateau.LastStep, Is.Zero);
        Assert.That(((Dropout)fresh.Model[3]).GetRngState(), Is.EqualTo(rngBefore));

        Assert.Throws<CheckpointMismatchException>(() => data.Restore(fresh.Model, fresh.Optimizer, [fresh.Lr, fresh.Lr]));
        Assert.That(fresh.Lr.StepCount, Is.Zero);
    }

    [Test]
    public void APartialLoadSkipsMissingTensorsAndDropoutsAndReportsThem()
    {
        var data = Capture(Advanced(), new TrainingProgress(0, 2));
        var other = new Sequential(new Linear(4, 8, seed: 3), new BatchNorm1d(8), new ReLU(), new Linear(8, 8, seed: 4));

        var e = Assert.Throws<CheckpointMismatchException>(() => data.Restore(other))!;
        Assert.That(e.Message, Does.Contain("'3.weight' has shape [8,8] in the file but").Or.Contain("tensor '3.weight'"));
        Assert.That(e.Message, Does.Contain("generator state for module '3'"));

        var other2 = new Sequential(new Linear(4, 8, seed: 3), new BatchNorm1d(8), new ReLU(), new Dropout(0.1), new Linear(8, 8, seed: 4));
        var info = data.Restore(other2, strict: false);
        Assert.That(info.Weights.Loaded, Is.EquivalentTo(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias" }));
        Assert.That(info.Weights.Unexpected, Is.EquivalentTo(new[] { "5.weight", "5.bias", "7.weight", "7.bias" }));
        Assert.That(Bits(other2)["4.weight"], Is.EqualTo(Bits(data.Model["4.weight"])));
    }

    [Test]
    public void AWriteThatFailsMidwayLeavesThePreviousCheckpointAndNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "c.ckpt");
        var first = Capture(Advanced(), new TrainingProgress(0, 2));
        first.Write(path);
        byte[] before = File.ReadAllBytes(path);

        // CheckpointData.Write(path) is AtomicFile.Write(path, stream => Write(stream)); here the stream fails midway.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            var failing = new FailAfter(stream, 300);
            Capture(Advanced(seed: 9), new TrainingProgress(1, 40)).Write(failing);
        }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }), "the temporary file was removed");
        Assert.That(CheckpointData.Read(path).Progress.Step, Is.EqualTo(2));
    }

    /// <summary>A stream that accepts <c>limit</c> bytes and then fails like a full disk.</summary>
    private sealed class FailAfter(Stream inner, int limit) : Stream
    {
        private int _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > limit) throw new IOException("disk full (simulated)");
            _written += buffer.Length;
            inner.Write(buffer);
        }
    }
}
