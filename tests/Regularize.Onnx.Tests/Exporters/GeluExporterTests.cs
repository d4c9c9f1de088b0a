using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class GeluExporterTests
{
    [Test]
    public void Gelu_MatchesOnnxRuntime([Values(13, 17, 20)] int opset)
    {
        OnnxParity.AssertMatches(new Sequential(new Linear(6, 8, seed: 2), new GELU()), [6], opset, inputScale: 3f);
    }

    [TestCase(17, new[] { "Div", "Erf", "Add", "Mul", "Mul" })]
    [TestCase(20, new[] { "Gelu" })]
    public void Gelu_IsTheOperatorFromOpset20_AndItsErfFormBelow(int opset, string[] ops)
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(new GELU()), new OnnxExportOptions { InputShape = [3], Opset = opset }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(ops));
    }

    [Test]
    public void TanhGelu_MatchesOnnxRuntime([Values(13, 17, 20)] int opset)
    {
        OnnxParity.AssertMatches(new Sequential(new Linear(6, 8, seed: 2), new GELU(Regularize.Tensors.GeluApproximation.Tanh)), [6], opset, inputScale: 3f);
    }

    [TestCase(17, "Tanh")]
    [TestCase(20, "Gelu")]
    public void TanhGelu_IsGeluApproximateTanhFromOpset20_AndDecomposedBelow(int opset, string op)
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(new GELU(Regularize.Tensors.GeluApproximation.Tanh)),
            new OnnxExportOptions { InputShape = [3], Opset = opset }));
        var node = proto.Graph.Node.Single(n => n.OpType == op);
        if (opset >= 20) Assert.That(node.Attribute.Single(a => a.Name == "approximate").S.ToStringUtf8(), Is.EqualTo("tanh"));
        else Assert.That(proto.Graph.Node.Select(n => n.OpType), Does.Not.Contain("Erf"));
    }
}
