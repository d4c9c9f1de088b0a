using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

/// <summary>The facts about coupled and decoupled decay that the library exists to make visible.</summary>
public class DecayFactsTests
{
    private const int N = 37;

    /// <summary>Runs <paramref name="steps"/> steps with gradient g = noise + 0.5·θ; returns θ.</summary>
    private static float[] Trajectory(Func<Parameter[], Optimizer> create, int steps = 30, int extraParameters = 0)
    {
        var p = OptimizerFactory.Param("w", N, seed: 7);
        var extras = Enumerable.Range(0, extraParameters).Select(k => OptimizerFactory.Param($"x{k}", 1000 + k, seed: (ulong)(50 + k), std: 5f)).ToArray();
        var all = extras.Prepend(p).ToArray();
        var opt = create(all);
        for (int t = 0; t < steps; t++)
        {
            foreach (var q in all)
            {
                var noise = Tensor.RandomNormal([q.Length], 0f, 1f, seed: (ulong)(t * 31 + q.Length));
                var theta = q.Value.Span;
                var n = noise.Span;
                for (int i = 0; i < n.Length; i++) n[i] += 0.5f * theta[i];
                q.Grad = noise;
            }
            opt.Step();
        }
        return p.Value.ToArray();
    }

    private static double MaxRelativeDifference(float[] a, float[] b) =>
        a.Zip(b, (x, y) => Math.Abs((double)x - y) / Math.Max(Math.Abs((double)y), 1e-3)).Max();

    [Test]
    public void SgdWithL2EqualsSgdWWithoutMomentum()
    {
        var coupled = Trajectory(ps => new Sgd(ps, learningRate: 0.1, weightDecay: 0.05));
        var decoupled = Trajectory(ps => new SgdW(ps, learningRate: 0.1, weightDecay: 0.05));
        // The paper's scaling with λ rescaled by lr (0.1·0.05): the same decay per step.
        var paper = Trajectory(ps => new SgdW(ps, learningRate: 0.1, weightDecay: 0.005, decayScaling: DecayScaling.ScheduleMultiplier));
        // Same update in exact arithmetic: θ − lr(g + λθ) = θ(1 − lrλ) − lr·g. Only rounding differs.
        Assert.That(MaxRelativeDifference(decoupled, coupled), Is.LessThan(1e-5));
        Assert.That(MaxRelativeDifference(paper, coupled), Is.LessThan(1e-5));
    }

    [Test]
    public void SgdWithL2DiffersFromSgdWWithMomentum()
    {
        var coupled = Trajectory(ps => new Sgd(ps, learningRate: 0.1, momentum: 0.9, weightDecay: 0.05));
        var decoupled = Trajectory(ps => new SgdW(ps, learningRate: 0.1, momentum: 0.9, weightDecay: 0.05));
        // With momentum the coupled λθ accumulates in the buffer; the decoupled shrink does not.
        Assert.That(MaxRelativeDifference(decoupled, coupled), Is.GreaterThan(1e-2));
        var noDecay = Trajectory(ps => new Sgd(ps, learningRate: 0.1, momentum: 0.9));
        Assert.That(Trajectory(ps => new SgdW(ps, learningRate: 0.1, momentum: 0.9, weightDecay: 0)), Is.EqualTo(noDecay));
    }

    [Test]
    public void AdamWithL2DiffersFromAdamWWheneverDecayIsPositive([Values(1e-3, 1e-2, 0.1)] double lambda)
    {
        var coupled = Trajectory(ps => new Adam(ps, learningRate: 1e-2, weightDecay: lambda));
        var decoupled = Trajectory(ps => new AdamW(ps, learningRate: 1e-2, weightDecay: lambda));
        Assert.That(MaxRelativeDifference(decoupled, coupled), Is.GreaterThan(1e-4));
    }

    [Test]
    public void AdamAndAdamWCoincideWithoutDecay()
    {
        var adam = Trajectory(ps => new Adam(ps, learningRate: 1e-2));
        var adamW = Trajectory(ps => new AdamW(ps, learningRate: 1e-2, weightDecay: 0));
        Assert.That(adamW, Is.EqualTo(adam));
    }

    [Test]
    public void DecoupledDecayAloneShrinksByExactlyTheFactor()
    {
        // A zero gradient leaves only the decay: θ ← θ·(1 − lr·λ) for AdamW (m = v = 0, so the Adam term is 0).
        var p = new Parameter(Tensor.FromArray([1f, -2f, 3f], 3), "w");
        var opt = new AdamW([p], learningRate: 0.1, weightDecay: 0.5);
        p.Grad = Tensor.Zeros(3);
        opt.Step();
        float f = (float)(1 - 0.1 * 0.5);
        Assert.That(p.Value.ToArray(), Is.EqualTo(new[] { 1f * f, -2f * f, 3f * f }));
        // Coupled Adam turns the same λθ into a gradient and normalises it: about lr·sign(θ) per weight.
        var q = new Parameter(Tensor.FromArray([1f, -2f, 3f], 3), "w");
        var adam = new Adam([q], learningRate: 0.1, weightDecay: 0.5);
        q.Grad = Tensor.Zeros(3);
        adam.Step();
        Assert.That(q.Value.ToArray(), Is.EqualTo(new[] { 0.9f, -1.9f, 2.9f }).Within(1e-5f));
    }

    [Test]
    public void DecayActsPerWeight([Values("Sgd", "SgdW", "Adam", "AdamW")] string optimizer)
    {
        Func<Parameter[], Optimizer> create = optimizer switch
        {
            "Sgd" => ps => new Sgd(ps, learningRate: 0.05, momentum: 0.9, weightDecay: 0.1),
            "SgdW" => ps => new SgdW(ps, learningRate: 0.05, momentum: 0.9, weightDecay: 0.1),
            "Adam" => ps => new Adam(ps, learningRate: 1e-2, weightDecay: 0.1),
            _ => ps => new AdamW(ps, learningRate: 1e-2, weightDecay: 0.1),
        };
        // Adding large parameters changes nothing for the others: no global norm, no shared scale.
        Assert.That(Trajectory(create, extraParameters: 3), Is.EqualTo(Trajectory(create)));
    }

    [Test]
    public void ScheduleMultiplierScalingFollowsTheLearningRateRatio()
    {
        // Paper scaling: θ ← θ − ηₜ·λ·θ with ηₜ = lr / initial lr. Halving lr halves the decay; λ itself is not multiplied by lr.
        var p = new Parameter(Tensor.FromArray([1f, 2f], 2), "w");
        var opt = new SgdW([p], learningRate: 0.2, weightDecay: 0.1, decayScaling: DecayScaling.ScheduleMultiplier);
        opt.ParameterGroups[0].LearningRate = 0.1; // a schedule halves the rate
        p.Grad = Tensor.Zeros(2);
        opt.Step();
        float f = (float)(1 - 0.5 * 0.1);
        Assert.That(p.Value.ToArray(), Is.EqualTo(new[] { 1f * f, 2f * f }));
        opt.ParameterGroups[0].ScheduleMultiplier = 0.25; // an explicit multiplier wins
        opt.Step();
        float f2 = (float)(1 - 0.25 * 0.1);
        Assert.That(p.Value.ToArray(), Is.EqualTo(new[] { 1f * f * f2, 2f * f * f2 }));
    }

    [Test]
    public void AdamWScalingChoosesWhatLambdaIsMultipliedBy()
    {
        // Zero gradient: only the decay acts. PyTorch scaling shrinks by lr·λ, the paper's by ηₜ·λ = (lr / lr₀)·λ.
        var a = new Parameter(Tensor.FromArray([2f], 1), "a");
        var b = new Parameter(Tensor.FromArray([2f], 1), "b");
        var pytorch = new AdamW([a], learningRate: 0.01, weightDecay: 0.5);
        var paper = new AdamW([b], learningRate: 0.01, weightDecay: 0.5, decayScaling: DecayScaling.ScheduleMultiplier);
        a.Grad = Tensor.Zeros(1);
        b.Grad = Tensor.Zeros(1);
        pytorch.Step();
        paper.Step();
        Assert.That(a.Value.Item(), Is.EqualTo(2f * (float)(1 - 0.01 * 0.5)));
        Assert.That(b.Value.Item(), Is.EqualTo(2f * (float)(1 - 1.0 * 0.5)), "ηₜ = 1 at the initial rate");
        Assert.That(pytorch.DecayScaling, Is.EqualTo(DecayScaling.LearningRate));
    }

    [Test]
    public void L1ProximalProducesExactZeros([Values("Sgd", "Adam", "AdamW")] string optimizer)
    {
        var p = OptimizerFactory.Param("w", 101, seed: 3, std: 0.05f);
        Optimizer opt = optimizer switch
        {
            "Sgd" => new Sgd([p], learningRate: 0.1, momentum: 0.9, l1: 0.2),
            "Adam" => new Adam([p], learningRate: 1e-2, l1: 2.0),
            _ => new AdamW([p], learningRate: 1e-2, l1: 2.0),
        };
        for (int t = 0; t < 20; t++)
        {
            p.Grad = Tensor.RandomNormal([101], 0f, 0.01f, seed: (ulong)t);
            opt.Step();
        }
        int zeros = p.Value.ToArray().Count(x => x == 0f);
        Assert.That(zeros, Is.GreaterThan(50), "soft-thresholding sets small weights to exactly 0");
    }

    [Test]
    public void L1SubgradientDoesNotProduceExactZeros()
    {
        var p = OptimizerFactory.Param("w", 101, seed: 3, std: 0.05f);
        var opt = new Sgd([p], learningRate: 0.1, l1: 0.2, l1Mode: L1Mode.Subgradient);
        for (int t = 0; t < 20; t++)
        {
            p.Grad = Tensor.RandomNormal([101], 0f, 0.01f, seed: (ulong)t);
            opt.Step();
        }
        Assert.That(p.Value.ToArray().Count(x => x == 0f), Is.LessThan(5), "the subgradient oscillates around 0");
    }

    [Test]
    public void DecayMaskLeavesBiasesAndNormsUntouched()
    {
        var weight = new Parameter(Tensor.Ones(3, 4), "layers.0.weight");
        var bias = new Parameter(Tensor.Ones(4), "layers.0.bias");
        var norm = new Parameter(Tensor.Ones(2, 2), "encoder.layer_norm.scale");
        var all = new[] { weight, bias, norm };
        var opt = new AdamW(GroupBuilder.SplitByDecay(all), learningRate: 0.1, weightDecay: 0.5);
        foreach (var p in all) p.Grad = Tensor.Zeros(p.Shape);
        opt.Step();
        Assert.That(bias.Value.ToArray(), Is.All.EqualTo(1f));
        Assert.That(norm.Value.ToArray(), Is.All.EqualTo(1f));
        Assert.That(weight.Value.ToArray(), Is.All.EqualTo((float)(1 - 0.1 * 0.5)));
    }
}
