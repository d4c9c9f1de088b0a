using Regularize.Nn;

namespace Regularize.Onnx.Tests.Exporters;

public class UnflattenExporterTests
{
    [Test]
    public void Unflatten_KeepsTheBatchDynamic_AndMatchesOnnxRuntime()
    {
        var model = new Sequential(new Unflatten(1, 5, 7), new Conv2d(1, 2, 3, stride: 2, padding: 1, seed: 3), new Flatten());
        OnnxParity.AssertMatches(model, [35], batchSizes: [1, 4, 9]);
    }

    [Test]
    public void WrongLength_FailsNamingTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(new Sequential(new Unflatten(2, 3)), new OnnxExportOptions { InputShape = [7] }))!;
        Assert.That(e.Message, Does.Contain("'0'").And.Contain("[2,3]"));
    }
}
