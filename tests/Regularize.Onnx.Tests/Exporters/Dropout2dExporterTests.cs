using Regularize.Nn;

namespace Regularize.Onnx.Tests.Exporters;

public class Dropout2dExporterTests
{
    [Test]
    public void Dropout2d_IsTheIdentity_EvenInTrainingMode()
    {
        var model = new Sequential(new Conv2d(2, 3, 3, seed: 1), new Dropout2d(0.5, seed: 2));
        model.Train();
        OnnxParity.AssertMatches(model, [2, 6, 5]);
    }
}
