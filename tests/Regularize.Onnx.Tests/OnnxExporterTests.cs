using Microsoft.ML.OnnxRuntime;
using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests;

public class OnnxExporterTests
{
    /// <summary>The lab's MLP, 784-256-128-10 with ReLU between, trained a few AdamW steps on random data so no weight is at its initial value.</summary>
    private static Sequential TrainedMlp(out Tensor[] initial)
    {
        var model = new Sequential(new Linear(784, 256, seed: 0), new ReLU(), new Linear(256, 128, seed: 1), new ReLU(), new Linear(128, 10, seed: 2));
        initial = model.Parameters().Select(p => p.Value.Clone()).ToArray();
        var optimizer = new AdamW(model.Parameters(), learningRate: 1e-3, weightDecay: 0.05);
        var rng = new Rng(7);
        for (int step = 0; step < 5; step++)
        {
            var x = Tensor.RandomUniform([32, 784], seed: 100 + (ulong)step);
            var labels = Enumerable.Range(0, 32).Select(_ => (int)(rng.NextDouble() * 10)).ToArray();
            model.ZeroGrad();
            Losses.CrossEntropy(model.Forward(x), labels).Backward();
            optimizer.Step();
        }
        return model;
    }

    [Test]
    public void TrainedMlp_MatchesOnnxRuntime()
    {
        var model = TrainedMlp(out var initial);
        var trained = model.Parameters().Select(p => p.Value).ToArray();
        Assert.That(trained.Zip(initial).All(t => !t.First.ToArray().SequenceEqual(t.Second.ToArray())), Is.True, "every parameter moved in training");
        // Inputs in [0, 1) like pixel intensities; batch sizes 1, 3 and 64 through the same file.
        OnnxParity.AssertMatches(model, [784], batchSizes: [1, 3, 64], inputScale: 1f);
    }

    [Test]
    public void Initializers_AreTheParametersUnderTheirNames_BitForBit()
    {
        var model = TrainedMlp(out _);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [784] }));
        var expected = model.NamedParameters().ToList();
        Assert.That(proto.Graph.Initializer.Select(i => i.Name), Is.EqualTo(expected.Select(p => p.Name)));
        Assert.That(expected.Select(p => p.Name).First(), Is.EqualTo("0.weight"));
        foreach (var (name, parameter) in expected)
        {
            var init = proto.Graph.Initializer.Single(i => i.Name == name);
            Assert.That(init.DataType, Is.EqualTo((int)TensorProto.Types.DataType.Float), name);
            Assert.That(init.Dims, Is.EqualTo(parameter.Shape.ToArray().Select(d => (long)d)), name);
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(init.RawData.Span).ToArray();
            Assert.That(values, Is.EqualTo(parameter.Value.ToArray()), name);
        }
    }

    [Test]
    public void NamesOfASubmodule_AreRelativeToIt()
    {
        var root = new Holder(new Sequential(new Linear(3, 2, seed: 1)));
        Assert.That(root.Layers[0] is Linear l ? l.Weight.Name : null, Is.EqualTo("layers.0.weight"));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(root.Layers, new OnnxExportOptions { InputShape = [3] }));
        Assert.That(proto.Graph.Initializer.Select(i => i.Name), Is.EqualTo(new[] { "0.weight", "0.bias" }));
    }

    [Test]
    public void InputAndOutput_AreNamed_WithADynamicBatchAxis()
    {
        var model = new Sequential(new Linear(5, 4, seed: 1), new ReLU(), new Linear(4, 2, seed: 2));
        var bytes = OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [5], InputName = "pixels", OutputName = "logits", BatchDimension = "n" });
        using var session = new InferenceSession(bytes);
        var input = session.InputMetadata.Single();
        var output = session.OutputMetadata.Single();
        Assert.That(input.Key, Is.EqualTo("pixels"));
        Assert.That(input.Value.Dimensions, Is.EqualTo(new[] { -1, 5 }));
        Assert.That(input.Value.SymbolicDimensions[0], Is.EqualTo("n"));
        Assert.That(input.Value.ElementType, Is.EqualTo(typeof(float)));
        Assert.That(output.Key, Is.EqualTo("logits"));
        Assert.That(output.Value.Dimensions, Is.EqualTo(new[] { -1, 2 }));
        Assert.That(output.Value.SymbolicDimensions[0], Is.EqualTo("n"));
    }

    [Test]
    public void Metadata_IsStoredInTheModel_AndOnnxRuntimeReadsIt()
    {
        var options = new OnnxExportOptions
        {
            InputShape = [2],
            Metadata = new Dictionary<string, string> { ["input"] = "pixels / 255, then (x - 0.286) / 0.353", ["classes"] = "10" },
        };
        using var session = new InferenceSession(OnnxExporter.ToBytes(new Sequential(new ReLU()), options));
        Assert.That(session.ModelMetadata.CustomMetadataMap, Is.EquivalentTo(options.Metadata));
        Assert.That(session.ModelMetadata.ProducerName, Is.EqualTo("Regularize.Onnx"));
        Assert.That(session.ModelMetadata.GraphName, Is.EqualTo("regularize"));
    }

    [TestCase(13, 7)]
    [TestCase(17, 8)]
    [TestCase(20, 9)]
    public void Opset_IsStated_WithTheIrVersionThatDefinesIt(int opset, long irVersion)
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(new ReLU()), new OnnxExportOptions { InputShape = [2], Opset = opset }));
        var import = proto.OpsetImport.Single();
        Assert.That(import.Domain, Is.Empty);
        Assert.That(import.Version, Is.EqualTo(opset));
        Assert.That(proto.IrVersion, Is.EqualTo(irVersion));
        Assert.That(proto.ProducerName, Is.EqualTo("Regularize.Onnx"));
    }

    [Test]
    public void DefaultOpset_Is17()
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(new ReLU()), new OnnxExportOptions { InputShape = [2] }));
        Assert.That(proto.OpsetImport.Single().Version, Is.EqualTo(17));
    }

    [TestCase(12)]
    [TestCase(21)]
    public void OpsetOutOfRange_Throws_NamingTheRange(int opset)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ToBytes(new Sequential(new ReLU()), new OnnxExportOptions { InputShape = [2], Opset = opset }))!;
        Assert.That(e.Message, Does.Contain("13").And.Contain("20").And.Contain(opset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void BadOptions_ThrowNamingTheOption()
    {
        var model = new Sequential(new Linear(2, 2));
        Assert.That(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [0] }),
            Throws.ArgumentException.With.Message.Contains("InputShape").And.Message.Contains("[0]"));
        Assert.That(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [2], InputName = "x", OutputName = "x" }),
            Throws.ArgumentException.With.Message.Contains("InputName and OutputName"));
        Assert.That(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [2], OutputName = "0.weight" }),
            Throws.ArgumentException.With.Message.Contains("'0.weight'"));
        Assert.That(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [2], BatchDimension = " " }),
            Throws.ArgumentException.With.Message.Contains("BatchDimension"));
    }

    [Test]
    public void Save_WritesAFileOnnxRuntimeLoads_AndAFailedExportWritesNothing()
    {
        string folder = Path.Combine(Path.GetTempPath(), "regularize-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            var model = new Sequential(new Linear(3, 2, seed: 1));
            OnnxExporter.Save(model, path, new OnnxExportOptions { InputShape = [3] });
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [3] })));
            using (var session = new InferenceSession(path)) Assert.That(session.InputNames, Is.EqualTo(new[] { "input" }));

            string failed = Path.Combine(folder, "failed.onnx");
            Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.Save(new Sequential(new Unknown()), failed, new OnnxExportOptions { InputShape = [3] }));
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "model.onnx" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Export_DoesNotChangeTheModel()
    {
        var model = new Sequential(new Linear(3, 2, seed: 1), new Dropout(0.5));
        var before = model.Parameters().Select(p => p.Value.ToArray()).ToArray();
        OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [3] });
        Assert.That(model.IsTraining, Is.True);
        Assert.That(model.Parameters().Select(p => p.Value.ToArray()), Is.EqualTo(before));
    }

    private sealed class Holder : Module
    {
        public Holder(Sequential layers) => Layers = RegisterModule("layers", layers);

        public Sequential Layers { get; }

        public override Tensor Forward(Tensor input) => Layers.Forward(input);
    }

    private sealed class Unknown : Module
    {
        public override Tensor Forward(Tensor input) => input;
    }
}
