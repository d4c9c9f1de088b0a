using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class SequentialExporterTests
{
    [Test]
    public void NestedSequential_MatchesOnnxRuntime_WithNestedNames()
    {
        var model = new Sequential(
            new Sequential(new Linear(4, 6, seed: 1), new Tanh()),
            new Sequential(new Linear(6, 6, seed: 2), new LayerNorm(6), new GELU()),
            new Linear(6, 2, seed: 3));
        OnnxParity.AssertMatches(model, [4]);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [4] }));
        // The parameters, in order; the GELU (written as its erf form at opset 17) adds constants named "1.2/...".
        Assert.That(proto.Graph.Initializer.Select(i => i.Name).Where(n => !n.Contains('/')),
            Is.EqualTo(new[] { "0.0.weight", "0.0.bias", "1.0.weight", "1.0.bias", "1.1.weight", "1.1.bias", "2.weight", "2.bias" }));
        Assert.That(proto.Graph.Node[0].Name, Is.EqualTo("0.0/Gemm"));
    }

    [Test]
    public void EmptySequential_IsTheIdentity()
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(), new OnnxExportOptions { InputShape = [3] }));
        Assert.That(proto.Graph.Node.Single().OpType, Is.EqualTo("Identity"));
        OnnxParity.AssertMatches(new Sequential(), [3]);
    }
}
