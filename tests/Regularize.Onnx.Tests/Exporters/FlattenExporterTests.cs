using Regularize.Nn;

namespace Regularize.Onnx.Tests.Exporters;

public class FlattenExporterTests
{
    [Test]
    public void Flatten_ThenLinear_MatchesOnnxRuntime([Values(13, 17)] int opset)
    {
        OnnxParity.AssertMatches(new Sequential(new Flatten(), new Linear(24, 5, seed: 6)), [2, 3, 4], opset);
    }

    [Test]
    public void Flatten_OfARankTwoInput_IsTheIdentity()
    {
        OnnxParity.AssertMatches(new Sequential(new Flatten(), new Tanh()), [7]);
    }

    [Test]
    public void Flatten_OfARankOneInput_ThrowsNamingTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(new Sequential(new Flatten()), new OnnxExportOptions { InputShape = [] }))!;
        Assert.That(e.Message, Does.Contain("'0'").And.Contain("Flatten").And.Contain("[batch]"));
    }
}
