using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests.Exporters;

public class GroupNormExporterTests
{
    private static GroupNorm Randomised(int groups, int channels, double eps = 1e-5, bool affine = true)
    {
        var norm = new GroupNorm(groups, channels, eps, affine);
        if (affine)
        {
            Tensor.RandomNormal([channels], mean: 1f, std: 0.5f, seed: 13).Span.CopyTo(norm.Weight!.Value.Span);
            Tensor.RandomNormal([channels], std: 0.5f, seed: 14).Span.CopyTo(norm.Bias!.Value.Span);
        }
        return norm;
    }

    [TestCase(2, 6, true)]
    [TestCase(1, 6, true)]   // one group: a LayerNorm over (C, H, W)
    [TestCase(6, 6, true)]   // one channel per group: instance norm
    [TestCase(3, 6, false)]
    public void GroupNorm_AfterAConvolution_MatchesOnnxRuntime(int groups, int channels, bool affine)
    {
        foreach (int opset in new[] { 13, 17, 20 })
        {
            OnnxParity.AssertMatches(new Sequential(new Conv2d(2, channels, 3, seed: 2), Randomised(groups, channels, affine: affine), new ReLU()),
                [2, 7, 6], opset, inputScale: 2f);
        }
    }

    [Test]
    public void GroupNorm_OnFeaturesAndSequences_MatchesOnnxRuntime()
    {
        OnnxParity.AssertMatches(new Sequential(new Linear(5, 8, seed: 1), Randomised(4, 8, eps: 1e-3)), [5]);
        OnnxParity.AssertMatches(new Sequential(Randomised(2, 4)), [4, 9], inputScale: 3f);
    }

    [Test]
    public void WritesInstanceNormalization_AndTheParametersUnderTheirNames()
    {
        var model = new Sequential(new Conv2d(2, 4, 3, seed: 2), Randomised(2, 4));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [2, 5, 5] }));
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Has.Member("InstanceNormalization"));
        Assert.That(proto.Graph.Initializer.Select(i => i.Name), Has.Member("1.weight").And.Member("1.bias"));
    }

    [Test]
    public void WrongChannelCount_FailsAtExport()
    {
        var model = new Sequential(new GroupNorm(2, 4));
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [6, 3, 3] }))!;
        Assert.That(e.Message, Does.Contain("6 channels, expected 4"));
    }
}
