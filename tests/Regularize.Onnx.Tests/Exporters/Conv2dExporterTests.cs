using Regularize.Nn;
using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx.Tests.Exporters;

public class Conv2dExporterTests
{
    [Test]
    public void Conv2d_MatchesOnnxRuntime([Values(13, 17)] int opset)
    {
        OnnxParity.AssertMatches(new Sequential(new Conv2d(3, 4, 3, seed: 1)), [3, 7, 9], opset);
    }

    [TestCase(1, 0, 1, 1, true)]
    [TestCase(2, 1, 1, 1, true)]
    [TestCase(2, 2, 2, 1, false)]
    [TestCase(1, 1, 1, 2, true)]
    [TestCase(3, 2, 2, 3, true)]
    public void Conv2d_StridePaddingDilationGroups_MatchOnnxRuntime(int stride, int padding, int dilation, int groups, bool bias)
    {
        var conv = new Conv2d(6, 12, new Regularize.Tensors.Size2d(3, 2), stride: stride, padding: padding, dilation: dilation, groups: groups, bias: bias, seed: 3);
        OnnxParity.AssertMatches(new Sequential(conv), [6, 11, 8]);
    }

    [Test]
    public void Conv2d_NonSquareStrideAndPadding_MatchOnnxRuntime()
    {
        var conv = new Conv2d(2, 3, new Regularize.Tensors.Size2d(3, 5), stride: new Regularize.Tensors.Size2d(2, 1),
            padding: new Regularize.Tensors.Size2d(1, 2), dilation: new Regularize.Tensors.Size2d(1, 2), seed: 4);
        OnnxParity.AssertMatches(new Sequential(conv), [2, 9, 13]);
    }

    [TestCase("same", 1)]
    [TestCase("same", 2)]
    [TestCase("valid", 1)]
    public void Conv2d_NamedPadding_MatchesOnnxRuntime(string padding, int dilation)
    {
        // An even kernel makes "same" pad unevenly: the smaller half goes first.
        var conv = new Conv2d(2, 3, new Regularize.Tensors.Size2d(4, 3), padding, dilation: dilation, seed: 5);
        OnnxParity.AssertMatches(new Sequential(conv), [2, 9, 10]);
    }

    [Test]
    public void SamePadding_IsWrittenAsExplicitUnevenPads()
    {
        var conv = new Conv2d(1, 1, new Regularize.Tensors.Size2d(4, 3), "same", seed: 5);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(new Sequential(conv), new OnnxExportOptions { InputShape = [1, 6, 6] }));
        var node = proto.Graph.Node.Single();
        Assert.That(node.OpType, Is.EqualTo("Conv"));
        Assert.That(node.Attribute.Single(a => a.Name == "pads").Ints, Is.EqualTo(new long[] { 1, 1, 2, 1 }));
        Assert.That(node.Input, Is.EqualTo(new[] { "input", "0.weight", "0.bias" }));
    }

    [Test]
    public void WrongChannels_FailsNamingTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(new Sequential(new Conv2d(3, 4, 3)), new OnnxExportOptions { InputShape = [2, 8, 8] }))!;
        Assert.That(e.Message, Does.Contain("'0'").And.Contain("channels"));
    }
}
