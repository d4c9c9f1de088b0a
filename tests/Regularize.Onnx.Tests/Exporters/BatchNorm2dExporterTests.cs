using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests.Exporters;

public class BatchNorm2dExporterTests
{
    [Test]
    public void BatchNorm2d_InEvaluationForm_MatchesOnnxRuntime([Values(13, 17)] int opset, [Values] bool affine)
    {
        var norm = new BatchNorm2d(4, eps: 1e-3, affine: affine);
        using (GradMode.NoGrad())
        {
            for (int step = 0; step < 3; step++) norm.Forward(Tensor.RandomNormal([6, 4, 5, 3], mean: 2f, std: 3f, seed: 30 + (ulong)step));
        }
        if (affine)
        {
            Tensor.RandomNormal([4], mean: 1f, std: 0.5f, seed: 13).Span.CopyTo(norm.Weight!.Value.Span);
            Tensor.RandomNormal([4], std: 0.5f, seed: 14).Span.CopyTo(norm.Bias!.Value.Span);
        }
        Assert.That(norm.RunningMean!.ToArray(), Has.Some.GreaterThan(0.5f), "the running mean moved");
        OnnxParity.AssertMatches(new Sequential(new Conv2d(2, 4, 3, seed: 2), norm, new ReLU()), [2, 7, 6], opset, inputScale: 2f);
    }

    [Test]
    public void WithoutRunningStatistics_IsUnsupported()
    {
        var model = new Sequential(new BatchNorm2d(2, trackRunningStats: false));
        var e = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [2, 3, 3] }))!;
        Assert.That(e.ModuleType, Is.EqualTo(typeof(BatchNorm2d)));
        Assert.That(e.Message, Does.Contain("running statistics"));
    }
}
