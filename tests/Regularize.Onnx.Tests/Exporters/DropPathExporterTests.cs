using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class DropPathExporterTests
{
    [Test]
    public void DropPath_IsTheIdentity_EvenWhenExportedInTrainingMode([Values] DropPathMode mode)
    {
        var model = new Sequential(new Linear(5, 6, seed: 1), new DropPath(0.5, mode, seed: 2), new Linear(6, 3, seed: 3));
        Assert.That(model.IsTraining, Is.True);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [5] }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Gemm", "Identity", "Gemm" }));
        Assert.That(model.IsTraining, Is.True, "export does not change the mode");
        OnnxParity.AssertMatches(model, [5]);
    }
}
