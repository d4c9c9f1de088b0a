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
}
