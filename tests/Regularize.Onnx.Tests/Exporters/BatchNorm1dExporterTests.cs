using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests.Exporters;

public class BatchNorm1dExporterTests
{
    /// <summary>A BatchNorm1d whose running statistics moved away from 0 and 1 over a few training-mode batches, with random γ and β.</summary>
    private static BatchNorm1d Trained(int features, bool affine)
    {
        var norm = new BatchNorm1d(features, eps: 1e-3, affine: affine);
        using (GradMode.NoGrad())
        {
            for (int step = 0; step < 4; step++)
            {
                norm.Forward(Tensor.RandomNormal([16, features], mean: 2f, std: 3f, seed: 20 + (ulong)step));
            }
        }
        if (affine)
        {
            Tensor.RandomNormal([features], mean: 1f, std: 0.5f, seed: 13).Span.CopyTo(norm.Weight!.Value.Span);
            Tensor.RandomNormal([features], std: 0.5f, seed: 14).Span.CopyTo(norm.Bias!.Value.Span);
        }
        return norm;
    }

    [Test]
    public void BatchNorm1d_InEvaluationForm_MatchesOnnxRuntime([Values(13, 15, 17)] int opset, [Values] bool affine)
    {
        var norm = Trained(6, affine);
        Assert.That(norm.RunningMean!.ToArray(), Has.Some.GreaterThan(0.5f), "the running mean moved");
        OnnxParity.AssertMatches(new Sequential(new Linear(4, 6, seed: 8), norm, new ReLU()), [4], opset, inputScale: 2f);
    }

    [Test]
    public void RunningStatistics_AreInitializersUnderTheirBufferNames()
    {
        var norm = Trained(3, affine: true);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(norm), new OnnxExportOptions { InputShape = [3] }));
        var node = proto.Graph.Node.Single();
        Assert.That(node.OpType, Is.EqualTo("BatchNormalization"));
        Assert.That(node.Input, Is.EqualTo(new[] { "input", "0.weight", "0.bias", "0.running_mean", "0.running_var" }));
        var mean = proto.Graph.Initializer.Single(i => i.Name == "0.running_mean");
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(mean.RawData.Span).ToArray(), Is.EqualTo(norm.RunningMean!.ToArray()));
    }

    [Test]
    public void WithoutRunningStatistics_IsUnsupported_NamingTheLayer()
    {
        var model = new Sequential(new Linear(4, 3), new BatchNorm1d(3, trackRunningStats: false));
        var e = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [4] }))!;
        Assert.That(e.ModulePath, Is.EqualTo("1"));
        Assert.That(e.ModuleType, Is.EqualTo(typeof(BatchNorm1d)));
        Assert.That(e.Message, Does.Contain("'1'").And.Contain("Regularize.Nn.BatchNorm1d").And.Contain("running statistics"));
    }
}
