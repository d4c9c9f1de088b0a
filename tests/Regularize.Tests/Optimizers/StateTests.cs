using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

public class StateTests
{
    private static Parameter[] Model(ulong seed = 1) =>
    [
        new(Tensor.RandomNormal([3, 5], 0f, 1f, seed), "layers.0.weight"),
        new(Tensor.RandomNormal([5], 0f, 1f, seed + 1), "layers.0.bias"),
    ];

    private static void Train(Optimizer opt, Parameter[] ps, int from, int to)
    {
        for (int t = from; t < to; t++)
        {
            foreach (var p in ps) p.Grad = Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, (ulong)(t * 7 + p.Length));
            opt.Step();
        }
    }

    [Test]
    public void ExportThenImportContinuesTheSameTrajectory([Values("Sgd", "Adam", "AdamW")] string optimizer)
    {
        Optimizer Create(Parameter[] ps) => optimizer switch
        {
            "Sgd" => new Sgd(ps, learningRate: 0.1, momentum: 0.9, nesterov: true),
            "Adam" => new Adam(ps, learningRate: 1e-2, amsGrad: true, weightDecay: 0.1),
            _ => new AdamW(ps, learningRate: 1e-2),
        };
        var a = Model();
        var optA = Create(a);
        Train(optA, a, 0, 10);

        var b = Model();
        for (int i = 0; i < a.Length; i++) a[i].Value.Span.CopyTo(b[i].Value.Span);
        var optB = Create(b);
        var exported = optA.ExportState();
        optB.ImportState(exported);
        Assert.That(exported.Parameters.Keys, Is.EquivalentTo(new[] { "layers.0.weight", "layers.0.bias" }));

        Train(optA, a, 10, 15);
        Train(optB, b, 10, 15);
        for (int i = 0; i < a.Length; i++) Assert.That(b[i].Value.ToArray(), Is.EqualTo(a[i].Value.ToArray()));
    }

    [Test]
    public void ImportRejectsAShapeMismatchNamingBothShapesAndChangesNothing()
    {
        var a = Model();
        var optA = new AdamW(a);
        Train(optA, a, 0, 2);
        var state = optA.ExportState();
        state.Parameters["layers.0.weight"].Tensors["v"] = new TensorState { Shape = [5, 3], Data = new float[15] };
        state.Groups[0].Hyperparameters["learningRate"] = 0.5;

        var b = Model();
        var optB = new AdamW(b);
        Train(optB, b, 0, 1);
        var m = optB.StateOf(b[0])!["m"]!.ToArray();
        var ex = Assert.Throws<ArgumentException>(() => optB.ImportState(state));
        Assert.That(ex!.Message, Does.Contain("'layers.0.weight'").And.Contain("[5,3]").And.Contain("[3,5]"));
        Assert.That(optB.ParameterGroups[0].LearningRate, Is.EqualTo(1e-3), "hyperparameters untouched");
        Assert.That(optB.StateOf(b[0])!["m"]!.ToArray(), Is.EqualTo(m), "state untouched");
        Assert.That(optB.StateOf(b[0])!.Step, Is.EqualTo(1));
    }

    [Test]
    public void ImportRejectsUnknownNamesAndOtherOptimizers()
    {
        var a = Model();
        var optA = new Adam(a);
        Train(optA, a, 0, 1);
        var state = optA.ExportState();
        Assert.That(() => new AdamW(Model()).ImportState(state), Throws.ArgumentException.With.Message.Contains("'Adam', not 'AdamW'"));
        var renamed = Model();
        renamed[1].Name = "layers.0.b";
        Assert.That(() => new Adam(renamed).ImportState(state), Throws.ArgumentException.With.Message.Contains("layers.0.b"));
        state.Groups[0].Hyperparameters["beta1"] = 2;
        Assert.That(() => new Adam(Model()).ImportState(state), Throws.ArgumentException.With.Message.Contains("beta1 must be in [0, 1), was 2"));
    }

    [Test]
    public void ImportRejectsAStepCountWithoutRoomToTrainNamingParameterAndValue()
    {
        var a = Model();
        var optA = new AdamW(a);
        Train(optA, a, 0, 2);
        var b = Model();
        var optB = new AdamW(b);
        Train(optB, b, 0, 1);
        foreach (long step in new[] { long.MaxValue, Optimizer.MaxImportedStep + 1, -1 })
        {
            var state = optA.ExportState();
            state.Parameters["layers.0.bias"].Step = step;
            var e = Assert.Throws<ArgumentException>(() => optB.ImportState(state));
            Assert.That(e!.Message, Does.Contain("'layers.0.bias'").And.Contain(step.ToString()));
            Assert.That(optB.StateOf(b[1])!.Step, Is.EqualTo(1), "nothing changed");
        }
        var ok = optA.ExportState();
        ok.Parameters["layers.0.bias"].Step = Optimizer.MaxImportedStep;
        optB.ImportState(ok);
        Train(optB, b, 2, 3);
        Assert.That(optB.StateOf(b[1])!.Step, Is.EqualTo(Optimizer.MaxImportedStep + 1));
        Assert.That(b[1].Value.ToArray().All(float.IsFinite), Is.True);
    }
}
