using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class ElementwiseExporterTests
{
    private static IEnumerable<TestCaseData> Activations()
    {
        foreach (int opset in new[] { 13, 17 })
        {
            yield return new TestCaseData("ReLU", opset);
            yield return new TestCaseData("Sigmoid", opset);
            yield return new TestCaseData("Tanh", opset);
        }
    }

    private static Module Create(string name) => name switch
    {
        "ReLU" => new ReLU(),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [TestCaseSource(nameof(Activations))]
    public void Activation_MatchesOnnxRuntime_OnAnyShape(string activation, int opset)
    {
        // Inputs of scale 4 reach the saturated tails of Sigmoid and Tanh and both signs of ReLU.
        OnnxParity.AssertMatches(new Sequential(Create(activation)), [9], opset, inputScale: 4f);
        OnnxParity.AssertMatches(new Sequential(Create(activation)), [2, 3, 4], opset, inputScale: 4f);
    }

    [TestCase("ReLU", "Relu")]
    [TestCase("Sigmoid", "Sigmoid")]
    [TestCase("Tanh", "Tanh")]
    public void Activation_IsItsOneOperator(string activation, string opType)
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(Create(activation)), new OnnxExportOptions { InputShape = [3] }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { opType }));
    }
}
