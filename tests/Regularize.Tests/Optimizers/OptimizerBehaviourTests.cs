using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

public class OptimizerBehaviourTests
{
    private static Parameter P(string name, params float[] values) => new(Tensor.FromArray(values, values.Length), name);

    [Test]
    public void ConstructorsNameTheBadHyperparameter()
    {
        var ps = new[] { P("w", 1f) };
        Assert.That(() => new Sgd(ps, learningRate: -0.1),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("learningRate must be >= 0, was -0.1"));
        Assert.That(() => new Adam(ps, beta1: 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("beta1 must be in [0, 1), was 1"));
        Assert.That(() => new AdamW(ps, beta2: -0.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("beta2 must be"));
        Assert.That(() => new AdamW(ps, epsilon: double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("epsilon must be > 0, was NaN"));
        Assert.That(() => new AdamW(ps, weightDecay: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("weightDecay must be >= 0, was -1"));
        Assert.That(() => new Sgd(ps, 0.1, momentum: 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("momentum must be in [0, 1), was 1.5"));
        Assert.That(() => new Sgd(ps, 0.1, dampening: 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("dampening must be in [0, 1], was 2"));
        Assert.That(() => new SgdW(ps, 0.1, l1: -3), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("l1 must be >= 0, was -3"));
        Assert.That(() => new Sgd(ps, 0.1, nesterov: true), Throws.ArgumentException.With.Message.Contains("nesterov requires momentum > 0"));
        Assert.That(() => new Sgd(ps, 0.1, momentum: 0.9, dampening: 0.1, nesterov: true), Throws.ArgumentException.With.Message.Contains("dampening = 0"));
        Assert.That(() => new Adam([new ParameterGroup(ps), new ParameterGroup(ps)]), Throws.ArgumentException.With.Message.Contains("'w' appears in more than one"));
    }

    [Test]
    public void UnsetGroupValuesTakeTheConstructorDefaults()
    {
        var a = new ParameterGroup([P("a", 1f)], "a", learningRate: 0.5);
        var b = new ParameterGroup([P("b", 1f)], "b", weightDecay: 0);
        b.AmsGrad = true;
        var opt = new AdamW([a, b], learningRate: 1e-3, beta1: 0.8, weightDecay: 0.3);
        Assert.That(a.LearningRate, Is.EqualTo(0.5));
        Assert.That(a.WeightDecay, Is.EqualTo(0.3));
        Assert.That(b.LearningRate, Is.EqualTo(1e-3));
        Assert.That(b.WeightDecay, Is.EqualTo(0));
        Assert.That(a.Beta1, Is.EqualTo(0.8));
        Assert.That(a.AmsGrad, Is.False);
        Assert.That(b.AmsGrad, Is.True);
        Assert.That(a.InitialLearningRate, Is.EqualTo(0.5));
        Assert.That(opt.ParameterGroups, Has.Count.EqualTo(2));
        Assert.That(() => a.Set(Hyperparameter.LearningRate, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("learningRate must be >= 0"));
    }

    [Test]
    public void GroupsHaveTheirOwnRates()
    {
        var a = P("a", 1f);
        var b = P("b", 1f);
        var opt = new Sgd([new ParameterGroup([a], learningRate: 0.1), new ParameterGroup([b], learningRate: 0.01)], learningRate: 1);
        a.Grad = Tensor.Ones(1);
        b.Grad = Tensor.Ones(1);
        opt.Step();
        Assert.That(a.Value.Item(), Is.EqualTo(1f - 0.1f));
        Assert.That(b.Value.Item(), Is.EqualTo(1f - 0.01f));
    }

    [Test]
    public void ParametersWithoutGradientAreSkipped()
    {
        var a = P("a", 1f, 2f);
        var b = P("b", 3f);
        var opt = new Adam([a, b], learningRate: 0.1);
        a.Grad = Tensor.Ones(2);
        opt.Step();
        Assert.That(b.Value.Item(), Is.EqualTo(3f));
        Assert.That(opt.StateOf(b), Is.Null);
        Assert.That(opt.StateOf(a)!.Step, Is.EqualTo(1));
    }

    [Test]
    public void NonFiniteGradientThrowsNamingTheParameterAndChangesNothing([Values(float.NaN, float.PositiveInfinity)] float bad)
    {
        var a = P("layers.0.weight", 1f, 2f);
        var b = P("layers.1.weight", 3f, 4f);
        var opt = new AdamW([a, b], learningRate: 0.1);
        a.Grad = Tensor.Ones(2);
        b.Grad = Tensor.Ones(2);
        opt.Step();
        var before = (a.Value.ToArray(), b.Value.ToArray(), opt.StateOf(a)!["m"]!.ToArray());
        b.Grad!.Span[1] = bad;
        var ex = Assert.Throws<NonFiniteGradientException>(opt.Step);
        Assert.That(ex!.ParameterName, Is.EqualTo("layers.1.weight"));
        Assert.That(ex.Message, Does.Contain("'layers.1.weight'"));
        // The first parameter comes first in the pass, yet it was not touched: all gradients are checked first.
        Assert.That(a.Value.ToArray(), Is.EqualTo(before.Item1));
        Assert.That(b.Value.ToArray(), Is.EqualTo(before.Item2));
        Assert.That(opt.StateOf(a)!["m"]!.ToArray(), Is.EqualTo(before.Item3));
        Assert.That(opt.StateOf(a)!.Step, Is.EqualTo(1));
    }

    [Test]
    public void NonFiniteGradientSkipsTheWholeStepWhenAsked()
    {
        var a = P("a", 1f, 2f);
        var b = P("b", 3f, 4f);
        var opt = new Sgd([a, b], learningRate: 0.1, momentum: 0.9) { NonFiniteGradient = NonFiniteGradient.Skip };
        a.Grad = Tensor.Ones(2);
        b.Grad = Tensor.FromArray([float.NaN, 1f], 2);
        opt.Step();
        Assert.That(opt.LastStepSkipped, Is.True);
        Assert.That(opt.SkippedSteps, Is.EqualTo(1));
        Assert.That(a.Value.ToArray(), Is.EqualTo(new[] { 1f, 2f }));
        Assert.That(opt.StateOf(a), Is.Null);
        b.Grad = Tensor.Ones(2);
        opt.Step();
        Assert.That(opt.LastStepSkipped, Is.False);
        Assert.That(a.Value.ToArray(), Is.EqualTo(new[] { 0.9f, 1.9f }));
    }

    [Test]
    public void ZeroGradClearsInPlaceOrToNull()
    {
        var a = P("a", 1f, 2f);
        var opt = new Adam([a]);
        var g = Tensor.Ones(2);
        a.Grad = g;
        opt.ZeroGrad();
        Assert.That(a.Grad, Is.SameAs(g));
        Assert.That(g.ToArray(), Is.All.EqualTo(0f));
        opt.ZeroGrad(setToNull: true);
        Assert.That(a.Grad, Is.Null);
    }

    [Test]
    public void NesterovChangedToZeroMomentumIsRejectedAtStep()
    {
        var a = P("a", 1f);
        var opt = new Sgd([a], learningRate: 0.1, momentum: 0.9, nesterov: true);
        opt.ParameterGroups[0].Momentum = 0;
        a.Grad = Tensor.Ones(1);
        Assert.That(opt.Step, Throws.InvalidOperationException.With.Message.Contains("nesterov requires momentum > 0"));
    }

    [Test]
    public void SteadyStateStepAllocatesNothing([Values("Sgd", "Adam", "AdamW")] string optimizer, [Values(1, 2)] int threads)
    {
        var ps = Enumerable.Range(0, 5).Select(k => OptimizerFactory.Param($"p{k}", k == 0 ? 3 * Optimizer.ChunkElements + 1 : 1000 + k, seed: (ulong)k)).ToArray();
        foreach (var p in ps) p.Grad = Tensor.RandomNormal([p.Length], 0f, 1e-3f, seed: 9);
        Optimizer opt = optimizer switch
        {
            "Sgd" => new Sgd(ps, learningRate: 1e-3, momentum: 0.9, weightDecay: 1e-4),
            "Adam" => new Adam(ps, weightDecay: 1e-4, amsGrad: true),
            _ => new AdamW(ps),
        };
        opt.MaxDegreeOfParallelism = threads;
        for (int i = 0; i < 10; i++) opt.Step();
        // The best of five rounds: other threads of the test host may allocate now and then, and
        // GetTotalAllocatedBytes counts every thread (the thread-pool helpers of a parallel step too).
        long allocated = long.MaxValue;
        for (int round = 0; round < 5 && allocated > 0; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 50; i++) opt.Step();
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.That(allocated, Is.LessThan(1024), $"{allocated} bytes over 50 steps");
    }

    [Test]
    public void AdamRejectsAZeroEpsilon([Values("Adam", "AdamW")] string optimizer)
    {
        var p = new Parameter(Tensor.Zeros(3), "w");
        TestDelegate create = optimizer == "Adam" ? () => _ = new Adam([p], epsilon: 0) : () => _ = new AdamW([p], epsilon: 0);
        Assert.That(create, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("epsilon must be > 0, was 0"));
        var group = new ParameterGroup([p]);
        Assert.That(() => group.Epsilon = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AdamReportsAFiniteGradientWhoseSquareWouldOverflowTheSecondMoment([Values("Adam", "AdamW")] string optimizer)
    {
        var a = new Parameter(Tensor.FromArray([1f, 2f, 3f], 3), "layers.0.weight");
        var opt = OptimizerFactory.Create(new RefConfig { Optimizer = optimizer, LearningRate = 1e-2 }, a);
        a.Grad = Tensor.FromArray([0.5f, 1e21f, -0.5f], 3);
        var ex = Assert.Throws<NonFiniteGradientException>(opt.Step);
        Assert.That(ex!.ParameterName, Is.EqualTo("layers.0.weight"));
        Assert.That(ex.Message, Does.Contain("magnitude above").And.Contain("overflow"));
        Assert.That(a.Value.ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f }));
        Assert.That(opt.StateOf(a), Is.Null, "nothing was applied");

        opt.NonFiniteGradient = NonFiniteGradient.Skip;
        opt.Step();
        Assert.That(opt.LastStepSkipped, Is.True);
        a.Grad = Tensor.FromArray([0.5f, 1e18f, -0.5f], 3); // below the bound: v stays finite
        opt.Step();
        Assert.That(opt.StateOf(a)!["v"]!.ToArray().All(float.IsFinite), Is.True);
        Assert.That(a.Value.ToArray().All(float.IsFinite), Is.True);
    }

    [Test]
    public void SgdAcceptsAnyFiniteGradient()
    {
        var a = new Parameter(Tensor.FromArray([1f], 1), "w");
        var opt = new Sgd([a], learningRate: 1e-30);
        a.Grad = Tensor.FromArray([1e38f], 1);
        opt.Step();
        Assert.That(a.Value.ToArray()[0], Is.EqualTo(1f - 1e-30f * 1e38f));
    }

    [Test]
    public void StepWithTheClippingNormGivesTheSameBitsAndStillReportsABadGradient()
    {
        Parameter[] Make() => [OptimizerFactory.Param("a", 1001, seed: 1), OptimizerFactory.Param("b", 17, seed: 2)];
        var x = Make();
        var y = Make();
        var optX = new AdamW(x, learningRate: 1e-2);
        var optY = new AdamW(y, learningRate: 1e-2);
        for (int t = 0; t < 3; t++)
        {
            foreach (var ps in new[] { x, y })
                foreach (var p in ps) p.Grad = Tensor.RandomNormal([p.Length], 0f, 2f, seed: (ulong)(50 + t + p.Length));
            GradientClipping.ClipByGlobalNorm(x, maxNorm: 10);
            double norm = GradientClipping.ClipByGlobalNorm(y, maxNorm: 10);
            optX.Step();
            optY.Step(norm);
        }
        for (int k = 0; k < 2; k++) Assert.That(y[k].Value.ToArray(), Is.EqualTo(x[k].Value.ToArray()));

        y[1].Grad!.Span[3] = float.NaN;
        double bad = GradientClipping.ClipByGlobalNorm(y, maxNorm: 10, errorIfNonFinite: false);
        Assert.That(double.IsNaN(bad), Is.True);
        var before = y[0].Value.ToArray();
        var ex = Assert.Throws<NonFiniteGradientException>(() => optY.Step(bad));
        Assert.That(ex!.ParameterName, Is.EqualTo("b"));
        Assert.That(y[0].Value.ToArray(), Is.EqualTo(before), "nothing applied");
        Assert.Throws<NonFiniteGradientException>(() => optY.Step(1e30), "a norm above the bound falls back to the check");
    }
}
