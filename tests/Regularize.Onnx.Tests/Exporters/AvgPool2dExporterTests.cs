using Regularize.Nn;

namespace Regularize.Onnx.Tests.Exporters;

public class AvgPool2dExporterTests
{
    [Test]
    public void AvgPool2d_MatchesOnnxRuntime([Values(2, 3)] int kernel, [Values(1, 2)] int stride, [Values(0, 1)] int padding, [Values] bool countIncludePad)
    {
        OnnxParity.AssertMatches(new Sequential(new AvgPool2d(kernel, stride, padding, countIncludePad)), [2, 9, 7]);
    }
}
