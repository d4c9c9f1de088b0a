using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>RAdam against torch 1.13 (every fixture case, both sides of the ρₜ &gt; 5 switch), its vector forms, decay, validation and state.</summary>
public class RAdamTests
{
    public static IEnumerable<string> Cases() => TorchFamilyParity.CasesOf("RAdam");

    private static RAdam Create(IReadOnlyList<ParameterGroup> groups, FamilyConfig c) =>
        new(groups, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay);

    /// <summary>θ, m, v and t at every checkpoint, which include the last step with ρₜ ≤ 5 and the first with ρₜ &gt; 5.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name)
    {
        long ulps = TorchFamilyParity.Run(name, Create);
        Assert.That(ulps, Is.Zero, "torch's op order and fused multiply-adds, coupled decay included, give its exact bits");
    }

    [TestCase(0.999, 6)]
    [TestCase(0.99, 6)]
    [TestCase(0.75, 8)]
    public void RectificationStartsWhereTorchSays(double beta2, int first)
    {
        Assert.That(RAdam.Rho(beta2, first - 1).RhoT, Is.LessThanOrEqualTo(5));
        Assert.That(RAdam.Rho(beta2, first).RhoT, Is.GreaterThan(5));
    }

    [Test]
    public void BeforeTheSwitchItIsSgdWithBiasCorrectedMomentum()
    {
        var p = OptimizerFactory.Param("w", 9, seed: 4);
        var theta = p.Value.ToArray();
        var opt = new RAdam([p], learningRate: 0.1, beta1: 0.8);
        p.Grad = Tensor.RandomNormal([9], 0f, 1f, seed: 5);
        var g = p.Grad.ToArray();
        opt.Step();
        // t = 1: m = 0.2·g, mHat = m / 0.2, θ = θ − mHat·lr, whatever v is.
        var expected = theta.Select((x, i) => x - 0.2f * g[i] / (float)(1 - 0.8) * 0.1f).ToArray();
        Assert.That(p.Value.ToArray(), Is.EqualTo(expected).Within(1e-6));
    }

    [Test, Category("Kernels")]
    public void VectorFormsMatchTheScalarFormAtEveryWidth()
    {
        FusedLoopTests.Check<RAdam.Rule<Off>, CoupledL2, NoL1>(new(0.9f, 0.1f, 0.999f, 0.001f, 0.19f, 1e-2f, 0f, 0f, 0f));
        FusedLoopTests.Check<RAdam.Rule<On>, NoWeightDecay, L1Subgradient>(new(0.9f, 0.1f, 0.999f, 0.001f, 0.41f, 1e-2f, 1e-8f, 0.077f, 0.0036f));
        FusedLoopTests.Check<RAdam.Rule<On>, DecoupledDecay, L1Proximal>(new(0.8f, 0.2f, 0.75f, 0.25f, 0.9f, 3e-3f, 1e-3f, 0.99f, 0.5f));
    }

    [Test]
    public void WeightDecayIsCoupled() =>
        TorchFamilyParity.CoupledDecayIsL2InTheGradient((ps, lambda) => new RAdam(ps, learningRate: 1e-2, beta2: 0.9, weightDecay: lambda), 0.3);

    [Test]
    public void RejectsBadHyperparameters()
    {
        var ps = new[] { OptimizerFactory.Param("w", 3, seed: 1) };
        Assert.That(() => new RAdam(ps, beta2: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("beta2 must be in [0, 1), was 1"));
        Assert.That(() => new RAdam(ps, beta1: -0.1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("beta1"));
        Assert.That(() => new RAdam(ps, epsilon: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon must be > 0, was 0"));
        Assert.That(() => new RAdam(ps, learningRate: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate must be >= 0, was -1"));
    }

    [Test]
    public void ExportImportContinuesBitIdentically() =>
        TorchFamilyParity.ExportImportContinuesBitIdentically(ps => new RAdam(ps, learningRate: 1e-2, beta2: 0.99, weightDecay: 0.1), before: 4);

    [Test]
    public void SteadyStateStepAllocatesNothing([Values(1, 2)] int threads) =>
        TorchFamilyParity.SteadyStateStepAllocatesNothing(ps => new RAdam(ps, weightDecay: 1e-4), threads);
}
