using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// Residual: a ResNet basic block with a projection shortcut against PyTorch 1.13 loaded by state-dict name
/// (Fixtures/layers, "residual": output, every gradient, running statistics), the identity shortcut, the shape error,
/// names, modes, summaries, finite differences and a checkpoint round trip through the block.
/// </summary>
public class ResidualTests
{
    private static Sequential TorchLikeBlock() => new(
        new Residual(
            new Sequential(new Conv2d(3, 4, 3, stride: 2, padding: 1, bias: false, seed: 1), new BatchNorm2d(4), new ReLU(),
                new Conv2d(4, 4, 3, padding: 1, bias: false, seed: 2), new BatchNorm2d(4)),
            new Sequential(new Conv2d(3, 4, 1, stride: 2, bias: false, seed: 3), new BatchNorm2d(4))),
        new ReLU());

    [Test]
    public void BasicBlock_MatchesTorch_LoadedByStateDictName()
    {
        var c = LayersReference.Residual();
        var model = TorchLikeBlock();
        var state = c.GetProperty("state").EnumerateObject().ToDictionary(p => p.Name, p => LayersReference.TensorOf(p.Value));
        var report = ModelWeights.Load(model, state); // strict: the names must be PyTorch's exactly
        Assert.That(report.IsComplete, Is.True);
        Assert.That(ModelWeights.Capture(model).Keys, Is.EquivalentTo(c.GetProperty("state_names").EnumerateArray().Select(e => e.GetString())));
        Assert.That(model.NamedParameters().Select(p => p.Name), Is.EqualTo(c.GetProperty("grads").EnumerateObject().Select(p => p.Name)),
            "parameter order, as PyTorch's named_parameters()");

        var x = LayersReference.TensorOf(c.GetProperty("x"));
        x.RequiresGrad = true;
        var y = model.Forward(x);
        LayersReference.AssertClose(y, LayersReference.TensorOf(c.GetProperty("y")), 2e-5, 1e-5, "y");
        (y * LayersReference.TensorOf(c.GetProperty("w"))).Sum().Backward();
        LayersReference.AssertClose(x.Grad!, LayersReference.TensorOf(c.GetProperty("dx")), 2e-5, 1e-5, "dx");
        foreach (var (name, p) in model.NamedParameters())
        {
            LayersReference.AssertClose(p.Grad!, LayersReference.TensorOf(c.GetProperty("grads").GetProperty(name)), 2e-5, 1e-5, $"grad {name}");
        }
        var buffers = model.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
        foreach (var b in c.GetProperty("buffers_after").EnumerateObject())
        {
            LayersReference.AssertClose(buffers[b.Name], LayersReference.TensorOf(b.Value), 2e-5, 1e-6, b.Name);
        }
    }

    [Test]
    public void IdentityShortcut_AddsTheInput()
    {
        var body = new Linear(3, 3, seed: 1);
        var block = new Residual(body);
        var x = Tensor.RandomNormal([4, 3], seed: 2);
        var expected = body.Forward(x).ToArray().Zip(x.ToArray(), (f, g) => f + g).ToArray();
        Assert.That(block.Forward(x).ToArray(), Is.EqualTo(expected));
        Assert.That(block.Shortcut, Is.Null);
        Assert.That(block.NamedChildren().Select(c => c.Name), Is.EqualTo(new[] { "body" }));
    }

    [Test]
    public void ShapeMismatch_NamesBothShapes_TheBranches_AndThePath()
    {
        var model = new Sequential(new ReLU(), new Residual(new Sequential(new Conv2d(2, 4, 3, padding: 1, seed: 1))));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(1, 2, 5, 5)))!;
        Assert.That(e.Message, Does.Contain("1 (Residual)").And.Contain("[1,2,5,5]").And.Contain("[1,4,5,5]")
            .And.Contain("1.body (Sequential").And.Contain("identity shortcut"));

        var projected = new Residual(new Conv2d(2, 4, 3, padding: 1, seed: 1), new Conv2d(2, 4, 1, stride: 2, seed: 2));
        var e2 = Assert.Throws<ArgumentException>(() => projected.Forward(Tensor.Zeros(1, 2, 6, 6)))!;
        Assert.That(e2.Message, Does.Contain("[1,4,6,6]").And.Contain("[1,4,3,3]").And.Contain("shortcut (Conv2d"));
    }

    [Test]
    public void NamesModesAndSummary_GoThroughTheBlock()
    {
        var model = TorchLikeBlock();
        Assert.That(model.NamedModules().Select(m => m.Name), Is.EqualTo(new[]
            { "", "0", "0.body", "0.body.0", "0.body.1", "0.body.2", "0.body.3", "0.body.4", "0.shortcut", "0.shortcut.0", "0.shortcut.1", "1" }));
        Assert.That(model.Parameters().Count(), Is.EqualTo(9));
        Assert.That(((Residual)model[0]).Shortcut!.Parameters().First().Name, Is.EqualTo("0.shortcut.0.weight"));

        model.Eval();
        Assert.That(model.NamedModules().All(m => !m.Module.IsTraining), Is.True);
        model.Train();
        Assert.That(model.NamedModules().All(m => m.Module.IsTraining), Is.True);

        var summary = ModelSummary.Of(model, 2, 3, 7, 6);
        var shapes = summary.Rows.ToDictionary(r => r.Name, r => r.OutputShape);
        Assert.That(shapes["0"], Is.EqualTo(new Shape(2, 4, 4, 3)));
        Assert.That(shapes["0.body.2"], Is.EqualTo(new Shape(2, 4, 4, 3)), "body children get shapes");
        Assert.That(shapes["0.shortcut.0"], Is.EqualTo(new Shape(2, 4, 4, 3)), "shortcut children get shapes");
        Assert.That(summary.TotalParameters, Is.EqualTo(3 * 4 * 9 + 8 + 4 * 4 * 9 + 8 + 3 * 4 + 8));
        Assert.That(model.IsTraining, Is.True);
    }

    [Test]
    public void GradCheck_InputAndEveryParameter()
    {
        var block = new Residual(new Sequential(new Linear(4, 5, seed: 1), new Tanh(), new Linear(5, 4, seed: 2)), new Linear(4, 4, seed: 3));
        var x = Tensor.RandomNormal([3, 4], seed: 4);
        var result = GradCheck.Check(xs => block.Forward(xs[0]), [x, .. block.Parameters().Select(p => p.Value)]);
        Assert.That(result.IsWithin(2e-3), Is.True, result.ToString());
    }

    [Test]
    public void Checkpoint_RoundTripsThroughTheBlock()
    {
        var a = TorchLikeBlock();
        using (GradMode.NoGrad()) a.Forward(Tensor.RandomNormal([4, 3, 7, 6], seed: 5)); // move the running statistics
        var stream = new MemoryStream();
        ModelWeights.Save(a, stream);
        stream.Position = 0;
        var b = TorchLikeBlock();
        var loaded = ModelWeights.Load(b, SafeTensors.Read(stream).Tensors);
        Assert.That(loaded.Loaded, Has.Member("0.shortcut.1.running_mean").And.Member("0.body.3.weight"));
        var x = Tensor.RandomNormal([2, 3, 7, 6], seed: 6);
        a.Eval();
        b.Eval();
        Assert.That(b.Forward(x).ToArray(), Is.EqualTo(a.Forward(x).ToArray()));
    }

    [Test]
    public void Constructor_RejectsABranchThatBelongsElsewhere()
    {
        var shared = new Linear(2, 2, seed: 1);
        _ = new Sequential(shared);
        Assert.Throws<ArgumentException>(() => new Residual(shared));
        var body = new Linear(2, 2, seed: 2);
        Assert.Throws<ArgumentException>(() => new Residual(body, body));
        Assert.Throws<ArgumentNullException>(() => new Residual(null!));
    }
}
