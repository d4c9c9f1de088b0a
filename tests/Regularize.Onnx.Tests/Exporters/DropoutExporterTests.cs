using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class DropoutExporterTests
{
    [Test]
    public void Dropout_IsTheIdentity_EvenWhenExportedInTrainingMode()
    {
        var model = new Sequential(new Linear(5, 6, seed: 1), new Dropout(0.5, seed: 2), new Linear(6, 3, seed: 3));
        Assert.That(model.IsTraining, Is.True);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [5] }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Gemm", "Identity", "Gemm" }));
        OnnxParity.AssertMatches(model, [5]);
    }

    [Test]
    public void DropoutAsTheLastLayer_EndsInTheNamedOutput()
    {
        var model = new Sequential(new Linear(5, 6, seed: 1), new Dropout(0.2));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [5] }));
        Assert.That(proto.Graph.Node[^1].Output, Is.EqualTo(new[] { "output" }));
        OnnxParity.AssertMatches(model, [5]);
    }
}
