using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class AdaptiveAvgPool2dExporterTests
{
    [TestCase(1, 1, 7, 9, "GlobalAveragePool")]
    [TestCase(2, 3, 8, 9, "AveragePool")]
    [TestCase(7, 9, 7, 9, "AveragePool")]
    public void AdaptiveAvgPool2d_MatchesOnnxRuntime(int oh, int ow, int h, int w, string op)
    {
        var model = new Sequential(new AdaptiveAvgPool2d(new Regularize.Tensors.Size2d(oh, ow)));
        OnnxParity.AssertMatches(model, [3, h, w]);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [3, h, w] }));
        Assert.That(proto.Graph.Node.Single().OpType, Is.EqualTo(op));
    }

    [Test]
    public void UnevenOutputSize_IsUnsupported_NamingTheLayerAndSizes()
    {
        var model = new Sequential(new Conv2d(1, 2, 1), new AdaptiveAvgPool2d(3));
        var e = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [1, 7, 7] }))!;
        Assert.That(e.ModulePath, Is.EqualTo("1"));
        Assert.That(e.ModuleType, Is.EqualTo(typeof(AdaptiveAvgPool2d)));
        Assert.That(e.Message, Does.Contain("7×7").And.Contain("3×3"));
    }
}
