using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>ASGD against torch 1.13 (every fixture case), its vector forms, where its two decays enter, validation and state.</summary>
public class AsgdTests
{
    public static IEnumerable<string> Cases() => TorchFamilyParity.CasesOf("ASGD");

    private static Asgd Create(IReadOnlyList<ParameterGroup> groups, FamilyConfig c) =>
        new(groups, c.LearningRate, c.Lambda, c.Alpha, c.T0, c.WeightDecay, c.Maximize);

    /// <summary>θ, ax, eta, mu and t at every checkpoint (averaging from step 11 in one case).</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name)
    {
        long ulps = TorchFamilyParity.Run(name, Create);
        Assert.That(ulps, Is.Zero, "torch's op order and fused multiply-adds, coupled decay included, give its exact bits");
    }

    [Test]
    public void EtaAndMuArePerParameterScalarsThatStartAtLrAndOne()
    {
        var p = OptimizerFactory.Param("w", 4, seed: 3);
        var opt = new Asgd([p], learningRate: 0.1, lambda: 0.5, alpha: 1, t0: 2);
        p.Grad = Tensor.RandomNormal([4], 0f, 1f, seed: 1);
        var theta = p.Value.ToArray();
        var g = p.Grad.ToArray();
        opt.Step();
        // Step 1 uses eta₀ = lr: θ = θ(1 − λ·lr) − lr·g, and ax copies θ while mu = 1.
        var expected = theta.Select((x, i) => MathF.FusedMultiplyAdd(-0.1f, g[i], x * (float)(1 - 0.5 * (double)0.1f))).ToArray();
        Assert.That(p.Value.ToArray(), Is.EqualTo(expected));
        Assert.That(opt.StateOf(p)!["ax"]!.ToArray(), Is.EqualTo(expected));
        Assert.That(opt.StateOf(p)!["eta"]!.Shape.ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(opt.StateOf(p)!["eta"]!.ToArray()[0], Is.EqualTo((float)(0.1 / (1 + 0.5 * 0.1 * 1))));
        for (int t = 2; t <= 4; t++)
        {
            p.Grad = Tensor.RandomNormal([4], 0f, 1f, seed: (ulong)t);
            opt.Step();
        }
        Assert.That(opt.StateOf(p)!["mu"]!.ToArray()[0], Is.EqualTo(0.5f), "mu = 1 / max(1, t − t₀) at t = 4");
    }

    [Test, Category("Kernels")]
    public void VectorFormsMatchTheScalarFormAtEveryWidth()
    {
        FusedLoopTests.Check<Asgd.Rule<Off>, NoWeightDecay, NoL1>(new(0.99999f, -1e-2f, 1f));
        FusedLoopTests.Check<Asgd.Rule<On>, CoupledL2, L1Proximal>(new(0.995f, -0.1f, 0.25f));
        FusedLoopTests.Check<Asgd.Rule<On>, DecoupledDecay, L1Subgradient>(new(0.9f, -3e-2f, 0.1f));
    }

    [Test]
    public void WeightDecayIsCoupled() =>
        TorchFamilyParity.CoupledDecayIsL2InTheGradient((ps, lambda) => new Asgd(ps, learningRate: 0.05, lambda: 1e-2, t0: 3, weightDecay: lambda), 0.3);

    /// <summary>ASGD's own λ is not the weight decay: it shrinks θ by λ·eta inside the rule, and the gradient never sees it.</summary>
    [Test]
    public void AsgdLambdaShrinksTheWeightInsideTheRule()
    {
        var p = new Parameter(Tensor.FromArray([2f, -4f], 2), "w");
        var opt = new Asgd([p], learningRate: 0.1, lambda: 0.5);
        p.Grad = Tensor.Zeros(2);
        opt.Step();
        float shrink = (float)(1 - 0.5 * (double)0.1f);
        Assert.That(p.Value.ToArray(), Is.EqualTo(new[] { 2f * shrink, -4f * shrink }));
    }

    [Test]
    public void RejectsBadHyperparameters()
    {
        var ps = new[] { OptimizerFactory.Param("w", 3, seed: 1) };
        Assert.That(() => new Asgd(ps, lambda: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("asgdLambda must be >= 0, was -1"));
        Assert.That(() => new Asgd(ps, alpha: -0.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("asgdAlpha must be >= 0, was -0.5"));
        Assert.That(() => new Asgd(ps, t0: double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("asgdT0"));
        Assert.That(() => new Asgd(ps, weightDecay: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("weightDecay must be >= 0, was -1"));
    }

    [Test]
    public void ExportImportContinuesBitIdentically() =>
        TorchFamilyParity.ExportImportContinuesBitIdentically(ps => new Asgd(ps, learningRate: 0.05, lambda: 1e-2, t0: 4, weightDecay: 0.1));

    [Test]
    public void ImportRequiresEtaAndMu()
    {
        var p = OptimizerFactory.Param("w", 3, seed: 1);
        var opt = new Asgd([p]);
        p.Grad = Tensor.RandomNormal([3], 0f, 1f, seed: 2);
        opt.Step();
        var state = opt.ExportState();
        state.Parameters["w"].Tensors.Remove("eta");
        Assert.That(() => new Asgd([p]).ImportState(state), Throws.ArgumentException.With.Message.Contains("lacks the tensor 'eta'"));
    }

    [Test]
    public void SteadyStateStepAllocatesNothing([Values(1, 2)] int threads) =>
        TorchFamilyParity.SteadyStateStepAllocatesNothing(ps => new Asgd(ps, t0: 3, weightDecay: 1e-4), threads);
}
