using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>LARS against <see cref="LarsReference"/> (You et al. 2017, Algorithm 1), per tensor, with biases excluded.</summary>
public class LarsTests
{
    private static readonly FamilyConfig Config = FamilyConfig.Defaults("LARS") with { LearningRate = 0.1, Momentum = 0.9, WeightDecay = 5e-3, Epsilon = 1e-9 };

    [Test]
    public void FollowsTheReferenceWithBiasesExcluded()
    {
        var w = new Parameter(Tensor.RandomNormal([40, 9], 0f, 1f, seed: 1), "fc.weight");
        var b = new Parameter(Tensor.RandomNormal([9], 0f, 1f, seed: 2), "fc.bias");
        var groups = GroupBuilder.SplitByDecay([w, b], weightDecay: Config.WeightDecay);
        groups[1].Set(Lars.LayerAdaptation, 0);
        var opt = new Lars(groups, learningRate: 0.1, momentum: 0.9, trustCoefficient: 1e-3, epsilon: 1e-9);
        var configs = new[] { Config, Config with { WeightDecay = 0, LayerAdaptation = false } };
        Parameter[] ps = [w, b];
        var theta = ps.Select(p => p.Value.ToArray()).ToArray();
        var states = ps.Select(_ => new FamilyState()).ToArray();
        for (int t = 1; t <= 12; t++)
        {
            foreach (var p in ps) p.Grad = Tensor.RandomNormal(p.Shape.ToArray(), 0f, 2f, seed: (ulong)(100 * t + p.Length));
            for (int k = 0; k < 2; k++) LarsReference.Step(configs[k], theta[k], ps[k].Grad!.ToArray(), states[k]);
            opt.Step();
            for (int k = 0; k < 2; k++) FamilyCompare.State(opt, ps[k], theta[k], states[k], 2e-6, 1e-8, $"step {t}");
        }
    }

    [Test]
    public void WithoutAdaptationOrDecayItIsSgdWithMomentumTimesLr()
    {
        var p = OptimizerFactory.Param("w", 33, seed: 3);
        var q = new Parameter(p.Value.Clone(), "w");
        var lars = new Lars([p], learningRate: 0.1, momentum: 0.9);
        lars.ParameterGroups[0].Set(Lars.LayerAdaptation, 0);
        var sgd = new Sgd([q], learningRate: 0.1, momentum: 0.9);
        for (int t = 0; t < 10; t++)
        {
            p.Grad = Tensor.RandomNormal([33], 0f, 1f, seed: (ulong)(30 + t));
            q.Grad = p.Grad.Clone();
            lars.Step();
            sgd.Step();
        }
        FamilyCompare.Close(p.Value.Span, q.Value.ToArray(), 1e-5, 1e-6, "θ");
        var bLars = lars.StateOf(p)!["momentumBuffer"]!.ToArray();
        var bSgd = sgd.StateOf(q)!["momentumBuffer"]!.ToArray().Select(x => 0.1f * x).ToArray();
        FamilyCompare.Close(bLars, bSgd, 1e-5, 1e-7, "b = lr·b_torch");
    }

    [Test]
    public void DecayEntersTheMomentumAndTheTrustRatio()
    {
        // Zero gradient, adaptation off: b₁ = lr·λθ₀, θ₁ = θ₀ − b₁; b₂ = μb₁ + lr·λθ₁. The buffer carries the decay
        // (coupled, inside the rule), so the second step shrinks by more than a decoupled (1 − lr·λ) would.
        const float lr = 0.1f, lambda = 0.5f, mu = 0.9f;
        var p = new Parameter(Tensor.FromArray([1f, -2f, 4f], 3), "w");
        var opt = new Lars([p], learningRate: lr, momentum: mu, weightDecay: lambda);
        opt.ParameterGroups[0].Set(Lars.LayerAdaptation, 0);
        p.Grad = Tensor.Zeros(3);
        opt.Step();
        opt.Step();
        float[] theta0 = [1f, -2f, 4f];
        for (int i = 0; i < 3; i++)
        {
            float b1 = lr * (lambda * theta0[i]), theta1 = theta0[i] - b1;
            float b2 = mu * b1 + lr * (0f + lambda * theta1);
            Assert.That(p.Value.Span[i], Is.EqualTo(theta1 - b2), $"coupled θ₂[{i}]");
            double decoupled = theta0[i] * (1 - lr * lambda) * (1 - lr * lambda);
            Assert.That(Math.Abs(p.Value.Span[i] - decoupled), Is.GreaterThan(0.04 * Math.Abs(decoupled)), "not a decoupled shrink: the buffer adds μ·lr·λθ₀");
        }
        // With adaptation, λ also sits in q's denominator: q = η‖θ‖/(‖g‖ + λ‖θ‖ + ε).
        var a = OptimizerFactory.Param("a", 50, seed: 4);
        var before = a.Value.ToArray().Select(x => (double)x).ToArray();
        var withDecay = new Lars([a], learningRate: 1, momentum: 0, weightDecay: 0.1, trustCoefficient: 0.01);
        a.Grad = Tensor.RandomNormal([50], 0f, 1f, seed: 5);
        var g = a.Grad.ToArray();
        withDecay.Step();
        double wn = FamilyTestData.Norm(before), gn = FamilyTestData.Norm(g.Select(x => (double)x));
        double qExpected = 0.01 * wn / (gn + 0.1 * wn);
        for (int i = 0; i < 50; i++)
        {
            double expected = before[i] - qExpected * (g[i] + 0.1 * before[i]);
            Assert.That(a.Value.Span[i], Is.EqualTo(expected).Within(1e-6 * Math.Abs(expected) + 1e-7), $"θ[{i}]");
        }
    }

    [Test]
    public void BadHyperparametersAreRejectedByName()
    {
        Parameter[] ps = [OptimizerFactory.Param("w", 3, seed: 6)];
        Assert.That(() => new Lars(ps, learningRate: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate must be >= 0, was -0.1"));
        Assert.That(() => new Lars(ps, 0.1, momentum: 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("momentum"));
        Assert.That(() => new Lars(ps, 0.1, trustCoefficient: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("trustCoefficient must be > 0, was 0"));
        Assert.That(() => new Lars(ps, 0.1, epsilon: -1e-9), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("trustEpsilon"));
        var opt = new Lars(ps, 0.1);
        Assert.That(() => opt.ParameterGroups[0].Set(Lars.LayerAdaptation, 2), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("layerAdaptation"));
        Assert.That(opt.DecayPlacement, Is.EqualTo(DecayPlacement.InRule));
    }

    [Test]
    public void ExportImportContinuesBitIdentically() =>
        FamilyCompare.RoundTripContinuesBitIdentically(
            ps => new Lars(ps, learningRate: 0.1, weightDecay: 1e-3, epsilon: 1e-9),
            () => [OptimizerFactory.Param("a", 70, seed: 8), new Parameter(Tensor.RandomNormal([5, 6], 0f, 1f, seed: 9), "b")]);

    [Test, Category("Kernels")]
    public void ResultsDoNotDependOnThreadsOrWidth()
    {
        // Two tensors (one split into two chunks, one small) against one thread in the scalar form, for 1, 2, 3 and 7 threads.
        int n = Optimizer.ChunkElements + 37;
        (float[], float[]) Run(int threads, bool scalar)
        {
            var p = OptimizerFactory.Param("w", n, seed: 10);
            var q = new Parameter(Tensor.RandomNormal([33, 17], 0f, 1f, seed: 12), "q");
            var opt = new Lars([p, q], learningRate: 0.1, weightDecay: 1e-3) { MaxDegreeOfParallelism = threads, ScalarOnly = scalar };
            for (int s = 0; s < 2; s++)
            {
                p.Grad = Tensor.RandomNormal([n], 0f, 1f, seed: (ulong)(20 + s));
                q.Grad = Tensor.RandomNormal([33, 17], 0f, 1f, seed: (ulong)(30 + s));
                opt.Step();
            }
            return (p.Value.ToArray(), q.Value.ToArray());
        }
        var expected = Run(1, scalar: true);
        foreach (int threads in new[] { 1, 2, 3, 7 }) Assert.That(Run(threads, scalar: false), Is.EqualTo(expected), $"{threads} threads");
    }

    [Test]
    public void ASteadyStateStepAllocatesNothing()
    {
        Parameter[] ps = [OptimizerFactory.Param("a", 70, seed: 8), new Parameter(Tensor.RandomNormal([5, 6], 0f, 1f, seed: 9), "b")];
        Assert.That(FamilyCompare.AllocatedBytesPerStep(new Lars(ps, learningRate: 0.1, weightDecay: 1e-3), ps), Is.EqualTo(0));
    }

    [Test, Category("Kernels")]
    public void TheRuleMatchesItsScalarFormAtEveryWidth()
    {
        ReducingRuleWidths.Check<Lars.Rule, NoWeightDecay, NoL1>(_ => new Lars.Rule(0.9f, 0.01f, 0.1, 1e-3, 0.01, 1e-9, true, 0f));
        ReducingRuleWidths.Check<Lars.Rule, NoWeightDecay, L1Subgradient>(_ => new Lars.Rule(0.9f, 0f, 0.1, 1e-3, 0, 0, false, 0f));
        ReducingRuleWidths.Check<Lars.Rule, NoWeightDecay, L1Proximal>(_ => new Lars.Rule(0f, 0.1f, 1, 0.02, 0.1, 0, true, 0f));
    }
}
