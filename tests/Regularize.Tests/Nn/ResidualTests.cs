using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Serialization;
using Regularize.Tensors;
using Regularize.Tests.Data;

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
    public void TrainingCheckpoint_ThroughTheBlock_ResumesBitForBit()
    {
        static (Sequential Model, DropPath Drop) Build(ulong seed)
        {
            var drop = new DropPath(0.3, seed: seed + 9);
            var model = new Sequential(
                new Residual(
                    new Sequential(new Conv2d(2, 3, 3, stride: 2, padding: 1, seed: seed), new BatchNorm2d(3), new ReLU(),
                        new Conv2d(3, 3, 3, padding: 1, seed: seed + 1), new BatchNorm2d(3), drop),
                    new Sequential(new Conv2d(2, 3, 1, stride: 2, seed: seed + 2), new BatchNorm2d(3))),
                new ReLU(), new Flatten(), new Linear(3 * 3 * 3, 4, seed: seed + 3));
            return (model, drop);
        }
        var x = Tensor.RandomNormal([6, 2, 5, 5], seed: 11);
        int[] labels = [0, 1, 2, 3, 0, 1];
        void Step(Module model, Optimizer optimizer)
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            Losses.CrossEntropy(model.Forward(x), labels).Backward();
            optimizer.Step();
        }

        var (a, dropA) = Build(1);
        var optA = new AdamW(a.Parameters(), learningRate: 0.01, weightDecay: 0.1);
        Step(a, optA);
        Step(a, optA);
        string path = Path.Combine(Path.GetTempPath(), $"regularize-residual-{Guid.NewGuid():N}.ckpt");
        try
        {
            TrainingCheckpoint.Save(path, new TrainingProgress(0, 2), a, optA);
            var savedMasks = dropA.GetRngState();
            Step(a, optA);
            Step(a, optA);

            var (b, dropB) = Build(50); // other initial weights and mask seed, all overwritten by the checkpoint
            var optB = new AdamW(b.Parameters(), learningRate: 0.01, weightDecay: 0.1);
            TrainingCheckpoint.Load(path, b, optB); // DropPath's generator comes back too (an IStochasticModule)
            Assert.That(dropB.GetRngState(), Is.EqualTo(savedMasks));
            Step(b, optB);
            Step(b, optB);
            var expected = ModelWeights.Capture(a);
            foreach (var (name, tensor) in ModelWeights.Capture(b))
            {
                Assert.That(tensor.ToArray(), Is.EqualTo(expected[name].ToArray()), name);
            }
        }
        finally
        {
            File.Delete(path);
        }
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

    [Test]
    public void DocsSample_BuildsTheNetwork_WithLinearDropPathRates()
    {
        var images = Tensor.RandomNormal([2, 1, 28, 28], seed: 1);
        // --- sample begins (docs/nn.md)
        // A basic block: y = ReLU(body(x) + shortcut(x)), with stochastic depth on the body.
        static Sequential BasicBlock(int inChannels, int outChannels, int stride, double dropPath, ulong seed) => new(
            new Residual(
                new Sequential(
                    new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false, seed: seed), new BatchNorm2d(outChannels), new ReLU(),
                    new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false, seed: seed + 1), new BatchNorm2d(outChannels),
                    new DropPath(dropPath, seed: seed + 2)),
                stride == 1 && inChannels == outChannels
                    ? null // the identity shortcut
                    : new Sequential(new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false, seed: seed + 3), new BatchNorm2d(outChannels))),
            new ReLU());

        // Four blocks whose drop probability grows linearly with depth, from 0 to 0.1 (timm's drop_path_rate).
        var net = new Sequential(new Conv2d(1, 16, 3, padding: 1, bias: false, seed: 1), new BatchNorm2d(16), new ReLU());
        int[] widths = [16, 16, 32, 32];
        for (int i = 0, channels = 16; i < widths.Length; channels = widths[i], i++)
        {
            int stride = widths[i] == channels ? 1 : 2;
            net.Append(BasicBlock(channels, widths[i], stride, dropPath: 0.1 * i / (widths.Length - 1), seed: 10 * (ulong)(i + 1)));
        }
        net.Append(new AdaptiveAvgPool2d(1)).Append(new Flatten()).Append(new Linear(32, 10, seed: 2));
        var logits = net.Forward(images);                               // images [N, 1, 28, 28] → [N, 10]
        // --- sample ends

        Assert.That(logits.Shape, Is.EqualTo(new Shape(2, 10)));
        var rates = net.NamedModules().Where(m => m.Module is DropPath).Select(m => ((DropPath)m.Module).P).ToArray();
        Assert.That(rates, Is.EqualTo(new[] { 0.0, 0.1 / 3, 0.2 / 3, 0.1 }).Within(1e-12));
        var names = net.NamedParameters().Select(p => p.Name).ToArray();
        Assert.That(names, Has.Member("5.0.shortcut.0.weight").And.Member("5.0.body.3.weight"));
        Assert.That(names.Where(n => n.Contains("shortcut", StringComparison.Ordinal)), Has.All.StartWith("5.0."), "only the block that changes shape projects");
        var summary = ModelSummary.Of(net, 1, 1, 28, 28);
        Assert.That(summary.Rows.Single(r => r.Name == "5.0.shortcut").OutputShape, Is.EqualTo(new Shape(1, 32, 14, 14)));
        Assert.That(summary.Rows.Single(r => r.Name == "6.0.body.5").OutputShape, Is.EqualTo(new Shape(1, 32, 14, 14)));

        // The sample reads the same in the docs.
        var doc = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "nn.md"));
        int start = Array.IndexOf(doc, "### A ResNet-style block");
        int open = Array.IndexOf(doc, "```csharp", start);
        int close = Array.IndexOf(doc, "```", open + 1);
        var sample = doc[(open + 1)..close].Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var source = File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "Regularize.Tests", "Nn", "ResidualTests.cs")).Select(l => l.Trim()).ToArray();
        int begin = Array.IndexOf(source, "// --- sample begins (docs/nn.md)");
        int end = Array.IndexOf(source, "// --- sample ends");
        Assert.That(source[(begin + 1)..end].Where(l => l.Length > 0).ToArray(), Is.EqualTo(sample), "docs/nn.md's ResNet-style block and this test differ");
    }
}
