using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests.Exporters;

public class LayerNormExporterTests
{
    /// <summary>A LayerNorm whose γ and β are random, so that a swapped or missing affine map shows.</summary>
    private static LayerNorm Trained(int[] shape, bool affine, double eps = 1e-5)
    {
        var norm = new LayerNorm(shape, eps, affine);
        if (affine)
        {
            Tensor.RandomNormal(shape, mean: 1f, std: 0.5f, seed: 11).Span.CopyTo(norm.Weight!.Value.Span);
            Tensor.RandomNormal(shape, std: 0.5f, seed: 12).Span.CopyTo(norm.Bias!.Value.Span);
        }
        return norm;
    }

    [Test]
    public void LayerNorm_MatchesOnnxRuntime([Values(13, 16, 17, 20)] int opset, [Values] bool affine)
    {
        var model = new Sequential(new Linear(5, 8, seed: 4), Trained([8], affine, eps: 1e-3));
        OnnxParity.AssertMatches(model, [5], opset, inputScale: 2f);
    }

    [Test]
    public void OverTwoTrailingAxes_MatchesOnnxRuntime([Values(13, 17)] int opset, [Values] bool affine)
    {
        OnnxParity.AssertMatches(new Sequential(Trained([3, 4], affine)), [2, 3, 4], opset, inputScale: 2f);
    }

    [TestCase(16, "ReduceMean")]
    [TestCase(17, "LayerNormalization")]
    public void LayerNorm_IsOneOperatorFromOpset17_AndDecomposedBelow(int opset, string firstOp)
    {
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(Trained([4], affine: true)), new OnnxExportOptions { InputShape = [4], Opset = opset }));
        Assert.That(proto.Graph.Node[0].OpType, Is.EqualTo(firstOp));
        if (opset >= 17) Assert.That(proto.Graph.Node, Has.Count.EqualTo(1));
        Assert.That(proto.Graph.Initializer.Select(i => i.Name), Is.SupersetOf(new[] { "0.weight", "0.bias" }));
    }

    [Test]
    public void WrongTrailingShape_ThrowsNamingTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(new Sequential(new LayerNorm(8)), new OnnxExportOptions { InputShape = [7] }))!;
        Assert.That(e.Message, Does.Contain("'0'").And.Contain("LayerNorm").And.Contain("[batch,7]").And.Contain("[8]"));
    }
}
