using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Tensors;

namespace Regularize.Onnx.Tests.Exporters;

public class ResidualExporterTests
{
    private static Residual BasicBlock(int inChannels, int outChannels, int stride, ulong seed)
    {
        var body = new Sequential(
            new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false, seed: seed), new BatchNorm2d(outChannels), new ReLU(),
            new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false, seed: seed + 1), new BatchNorm2d(outChannels),
            new DropPath(0.2, seed: seed + 2));
        Module? shortcut = stride == 1 && inChannels == outChannels
            ? null
            : new Sequential(new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false, seed: seed + 3), new BatchNorm2d(outChannels));
        return new Residual(body, shortcut);
    }

    [Test]
    public void ResNetBlocks_WithIdentityAndProjectionShortcuts_MatchOnnxRuntime([Values(13, 17)] int opset)
    {
        var model = new Sequential(new Conv2d(2, 4, 3, padding: 1, seed: 1), BasicBlock(4, 4, 1, 10), new ReLU(), BasicBlock(4, 6, 2, 20), new ReLU(),
            new AdaptiveAvgPool2d(1), new Flatten(), new Linear(6, 3, seed: 2));
        using (GradMode.NoGrad())
        {
            for (int step = 0; step < 3; step++) model.Forward(Tensor.RandomNormal([4, 2, 9, 8], seed: 40 + (ulong)step)); // move the running statistics
        }
        OnnxParity.AssertMatches(model, [2, 9, 8], opset);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [2, 9, 8], Opset = opset }));
        Assert.That(proto.Graph.Node.Where(n => n.OpType == "Add").Select(n => n.Name), Is.EqualTo(new[] { "1/Add", "3/Add" }));
        Assert.That(proto.Graph.Initializer.Select(i => i.Name), Has.Member("3.shortcut.0.weight").And.Member("3.shortcut.1.running_var").And.Member("1.body.3.weight"));
    }

    [Test]
    public void IdentityShortcut_AddsTheInput_WhenTheResidualIsTheRoot()
    {
        var block = new Residual(new Sequential(new Linear(5, 5, seed: 1), new Tanh()));
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(block, new OnnxExportOptions { InputShape = [5] }));
        var add = proto.Graph.Node.Single(n => n.OpType == "Add");
        Assert.That(add.Input, Has.Member("input"));
        Assert.That(add.Output, Is.EqualTo(new[] { "output" }));
        OnnxParity.AssertMatches(block, [5]);
    }

    [Test]
    public void BranchesOfDifferentShapes_FailAtExport_NamingTheModuleAndBothShapes()
    {
        var model = new Sequential(new Residual(new Linear(4, 6, seed: 1)));
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(model, new OnnxExportOptions { InputShape = [4] }))!;
        Assert.That(e.Message, Does.Contain("'0'").And.Contain("[batch,6]").And.Contain("[batch,4]"));
    }
}
