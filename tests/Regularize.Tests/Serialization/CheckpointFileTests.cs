using System.Text.Json.Nodes;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Serialization;
using Regularize.Tensors;
using Regularize.Training;
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

    /// <summary>The callbacks whose states <see cref="CaptureWithCallbacks"/> stores, over <paramref name="rig"/>'s model.</summary>
    internal static Trainer TrainerWithCallbacks(CheckpointRig rig)
    {
        var trainer = new Trainer(rig.Model, rig.Optimizer, [rig.Lr]);
        trainer.Callbacks.Add(new EarlyStopping(patience: 2));                              // counters, best = +∞
        trainer.Callbacks.Add(new ExponentialMovingAverage(rig.Model, decay: 0.9));          // a counter and tensors
        trainer.Callbacks.Add(new BatchMixing(new Mixup(3, seed: 4)));                       // a generator
        trainer.Callbacks.Add(new PlateauScheduling(rig.Plateau, MonitoredMetric.TestAccuracy)); // counters and a finite best
        return trainer;
    }

    /// <summary><see cref="Capture"/> with the states of <see cref="TrainerWithCallbacks"/>'s callbacks, keyed as the trainer keys them.</summary>
    internal static CheckpointData CaptureWithCallbacks(CheckpointRig rig, TrainingProgress progress)
    {
        var data = Capture(rig, progress);
        var trainer = TrainerWithCallbacks(rig);
        ((ExponentialMovingAverage)trainer.Callbacks[1]).Update();
        foreach (var c in trainer.Callbacks)
        {
            var state = c.ExportState(trainer)!;
            state.Type = c.GetType().Name;
            data.Callbacks.Add(c.GetType().Name + "[0]", state);
        }
        return data;
    }

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
        Assert.That((int?)doc["version"], Is.EqualTo(CheckpointData.FormatVersion));
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

    /// <summary>A model with every kind of module that draws from its own generator.</summary>
    private static Sequential Stochastic(ulong seed) => new(
        new Dropout(0.3, seed: seed), new Unflatten(2, 2, 2), new Dropout2d(0.5, seed: seed + 1), new Flatten(), new AlphaDropout(0.2, seed: seed + 2));

    [Test]
    public void EveryModuleWithItsOwnGeneratorIsSavedAndRestored()
    {
        var x = Tensor.RandomNormal([6, 8], seed: 3);
        var model = Stochastic(1);
        model.Forward(x); // move every generator on
        var data = CheckpointData.Capture(new TrainingProgress(0, 1), model);
        Assert.That(data.ModuleRngStates.Keys, Is.EquivalentTo(new[] { "0", "2", "4" }));
        float[] next = model.Forward(x).ToArray();

        var fresh = Stochastic(50);
        Assert.That(fresh.Forward(x).ToArray(), Is.Not.EqualTo(next), "other seeds draw other masks");
        var back = CheckpointData.Read(new MemoryStream(Bytes(data)), "mem");
        back.Restore(fresh);
        Assert.That(fresh.Forward(x).ToArray(), Is.EqualTo(next), "Dropout, Dropout2d and AlphaDropout draw on as saved");
        Assert.That(back.Differences(data), Is.Empty);
    }

    [Test]
    public void AFileWithoutAModulesGeneratorDoesNotLoadStrictly()
    {
        // As a file written before Dropout2d and AlphaDropout were saved: it has the Dropout's generator only.
        var data = CheckpointData.Capture(new TrainingProgress(0, 1), Stochastic(1));
        data.ModuleRngStates.Remove("2");
        data.ModuleRngStates.Remove("4");
        var fresh = Stochastic(50);
        var before = ((IStochasticModule)fresh[2]).GetRngState();
        var e = Assert.Throws<CheckpointMismatchException>(() => CheckpointData.Read(new MemoryStream(Bytes(data)), "old.ckpt").Restore(fresh))!;
        Assert.That(e.Message, Does.Contain("the model's Dropout2d '2' has no generator state in the file").And.Contain("AlphaDropout '4'"));
        Assert.That(((IStochasticModule)fresh[2]).GetRngState(), Is.EqualTo(before));

        var info = data.Restore(fresh, strict: false);
        Assert.That(info.NotRestored, Has.Some.Contains("generator of Dropout2d '2' (not in the file)"));
        Assert.That(((IStochasticModule)fresh[0]).GetRngState(), Is.EqualTo(data.ModuleRngStates["0"]));
    }

    [Test]
    public void AVersion1FileIsStillRead()
    {
        var data = Capture(Advanced(), new TrainingProgress(1, 2));
        var file = SafeTensors.Read(new MemoryStream(Bytes(data)));
        var doc = JsonNode.Parse(file.Metadata[CheckpointData.MetadataKey])!.AsObject();
        Assert.That(doc["callbacks"]!.AsObject(), Is.Empty, "version 2 adds the callbacks");
        doc.Remove("callbacks");
        doc["version"] = 1;
        var ms = new MemoryStream();
        SafeTensors.Write(ms, file.Tensors, new Dictionary<string, string> { [CheckpointData.MetadataKey] = doc.ToJsonString() });
        var old = CheckpointData.Read(new MemoryStream(ms.ToArray()), "v1.ckpt");
        Assert.That(old.Differences(data), Is.Empty);
        Assert.That(old.Callbacks, Is.Empty);

        doc["callbacks"] = new JsonObject();
        ms = new MemoryStream();
        SafeTensors.Write(ms, file.Tensors, new Dictionary<string, string> { [CheckpointData.MetadataKey] = doc.ToJsonString() });
        var e = Assert.Throws<InvalidDataException>(() => CheckpointData.Read(new MemoryStream(ms.ToArray()), "v1.ckpt"))!;
        Assert.That(e.Message, Does.Contain("unknown field 'callbacks'"), "version 1 has no callbacks");
    }

    [Test]
    public void CallbackStatesRoundTripExactly()
    {
        var data = CaptureWithCallbacks(Advanced(), new TrainingProgress(1, 2));
        byte[] bytes = Bytes(data);
        var back = CheckpointData.Read(new MemoryStream(bytes), "mem");
        Assert.That(back.Callbacks.Keys, Is.EquivalentTo(new[] { "EarlyStopping[0]", "ExponentialMovingAverage[0]", "BatchMixing[0]", "PlateauScheduling[0]" }));
        Assert.That(back.Differences(data), Is.Empty);
        Assert.That(back.Callbacks["EarlyStopping[0]"].Numbers["bestValue"], Is.EqualTo(double.PositiveInfinity));
        Assert.That(back.Callbacks["ExponentialMovingAverage[0]"].Integers["updates"], Is.EqualTo(1));
        Assert.That(SafeTensors.Read(new MemoryStream(bytes)).Tensors.Keys, Has.Member("callback.ExponentialMovingAverage[0].average.0.weight"));
        Assert.That(Bytes(back), Is.EqualTo(bytes));

        back.Callbacks["ExponentialMovingAverage[0]"].Integers["updates"] = 2;
        Assert.That(back.Differences(data), Is.EqualTo(new[] { "callback 'ExponentialMovingAverage[0]' counter 'updates': 2 vs 1" }));
        back.Callbacks["BatchMixing[0]"].RngStates["rng"] = [0, 0, 0, 0, 0, 0];
        Assert.Throws<ArgumentException>(() => back.Write(Path.Combine(_dir, "bad.ckpt")));
        Assert.That(File.Exists(Path.Combine(_dir, "bad.ckpt")), Is.False);
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
