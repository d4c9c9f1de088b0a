using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class LinearExporterTests
{
    [Test]
    public void Linear_MatchesOnnxRuntime([Values(13, 17, 20)] int opset, [Values] bool bias)
    {
        var model = new Sequential(new Linear(7, 5, bias, seed: 3));
        OnnxParity.AssertMatches(model, [7], opset);
    }

    [Test]
    public void RankTwoInput_IsOneGemmWithTheWeightAsItIs()
    {
        var model = new Sequential(new Linear(7, 5, seed: 3));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [7] }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Gemm" }));
        var gemm = proto.Graph.Node[0];
        Assert.That(gemm.Input, Is.EqualTo(new[] { "input", "0.weight", "0.bias" }));
        Assert.That(gemm.Attribute.Single(a => a.Name == "transB").I, Is.EqualTo(1));
    }

    [Test]
    public void HigherRankInput_IsMatMulOverTheLastAxis_AndMatches([Values] bool bias)
    {
        var model = new Sequential(new Linear(6, 4, bias, seed: 5));
        OnnxParity.AssertMatches(model, [3, 6]);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [3, 6] }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(bias ? new[] { "Transpose", "MatMul", "Add" } : new[] { "Transpose", "MatMul" }));
    }

    [Test]
    public void LinearAsTheRoot_IsExportedWithItsOwnParameterNames()
    {
        var model = new Linear(4, 3, seed: 9);
        OnnxParity.AssertMatches(model, [4]);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [4] }));
        Assert.That(proto.Graph.Initializer.Select(i => i.Name), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(proto.Graph.Node.Single().Output, Is.EqualTo(new[] { "output" }));
    }

    [Test]
    public void WrongFeatureCount_ThrowsNamingTheLayerAndBothSizes()
    {
        var model = new Sequential(new ReLU(), new Linear(7, 5));
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [6] }))!;
        Assert.That(e.Message, Does.Contain("'1'").And.Contain("Linear 7->5").And.Contain("[batch,6]").And.Contain("expected 7"));
    }
}
