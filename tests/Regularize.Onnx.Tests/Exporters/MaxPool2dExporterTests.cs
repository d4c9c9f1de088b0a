using Regularize.Nn;

namespace Regularize.Onnx.Tests.Exporters;

public class MaxPool2dExporterTests
{
    [TestCase(2, 2, 0, 1)]
    [TestCase(3, 2, 1, 1)]
    [TestCase(3, 1, 1, 2)]
    [TestCase(2, 3, 1, 1)]
    public void MaxPool2d_MatchesOnnxRuntime(int kernel, int stride, int padding, int dilation)
    {
        // Random normal inputs give border windows whose values are all negative, where padding with 0 instead of −∞ would win the max.
        var model = new Sequential(new Conv2d(2, 3, 1, seed: 1), new MaxPool2d(kernel, stride, padding, dilation));
        OnnxParity.AssertMatches(model, [2, 9, 11]);
        OnnxParity.AssertMatches(new Sequential(new Tanh(), new MaxPool2d(kernel, stride, padding, dilation)), [1, 7, 8], seed: 5);
    }
}
