using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>NAdam against torch 1.13 (every fixture case), its vector forms, where its decay enters, validation and state.</summary>
public class NAdamTests
{
    public static IEnumerable<string> Cases() => TorchFamilyParity.CasesOf("NAdam");

    private static NAdam Create(IReadOnlyList<ParameterGroup> groups, FamilyConfig c) =>
        new(groups, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay, c.MomentumDecay);

    /// <summary>θ, m, v, muProduct and t at every checkpoint; the same bits as torch, with decay or without.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name)
    {
        long ulps = TorchFamilyParity.Run(name, Create);
        Assert.That(ulps, Is.Zero, "torch's op order and fused multiply-adds, coupled decay included, give its exact bits");
    }

    [Test, Category("Kernels")]
    public void VectorFormsMatchTheScalarFormAtEveryWidth()
    {
        FusedLoopTests.Check<NAdam.Rule, NoWeightDecay, NoL1>(new(0.9f, 0.1f, 0.999f, 0.001f, 0.002f, 1e-8f, -4e-3f, -7e-3f));
        FusedLoopTests.Check<NAdam.Rule, CoupledL2, L1Proximal>(new(0.8f, 0.2f, 0.99f, 0.01f, 0.5f, 1e-3f, -1e-2f, -2e-2f));
    }

    [Test]
    public void WeightDecayIsCoupled() =>
        TorchFamilyParity.CoupledDecayIsL2InTheGradient((ps, lambda) => new NAdam(ps, learningRate: 1e-2, weightDecay: lambda), 0.3);

    [Test]
    public void MuProductIsOneNumberPerParameterAndFollowsTorch()
    {
        var p = OptimizerFactory.Param("w", 5, seed: 3);
        var opt = new NAdam([p], momentumDecay: 0.1);
        double expected = 1;
        for (int t = 1; t <= 4; t++)
        {
            p.Grad = Tensor.RandomNormal([5], 0f, 1f, seed: (ulong)t);
            opt.Step();
            expected = (float)(expected * (float)(0.9 * (1 - 0.5 * Math.Pow(0.96, t * 0.1))));
        }
        var mu = opt.StateOf(p)!["muProduct"]!;
        Assert.That(mu.Shape.ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(mu.ToArray()[0], Is.EqualTo((float)expected));
    }

    [Test]
    public void SkippedStepLeavesMuProductUnchanged()
    {
        var p = OptimizerFactory.Param("w", 5, seed: 3);
        var opt = new NAdam([p]) { NonFiniteGradient = NonFiniteGradient.Skip };
        p.Grad = Tensor.RandomNormal([5], 0f, 1f, seed: 1);
        opt.Step();
        float before = opt.StateOf(p)!["muProduct"]!.ToArray()[0];
        p.Grad.Span[2] = float.NaN;
        opt.Step();
        Assert.That(opt.LastStepSkipped, Is.True);
        Assert.That(opt.StateOf(p)!["muProduct"]!.ToArray()[0], Is.EqualTo(before));
        Assert.That(opt.StateOf(p)!.Step, Is.EqualTo(1));
    }

    [Test]
    public void RejectsBadHyperparameters()
    {
        var ps = new[] { OptimizerFactory.Param("w", 3, seed: 1) };
        Assert.That(() => new NAdam(ps, momentumDecay: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("momentumDecay must be >= 0, was -1"));
        Assert.That(() => new NAdam(ps, beta1: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("beta1"));
        Assert.That(() => new NAdam(ps, epsilon: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon must be > 0, was 0"));
        Assert.That(() => new NAdam(ps, weightDecay: -0.1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("weightDecay"));
        var opt = new NAdam(ps);
        Assert.That(() => opt.ParameterGroups[0].Set(NAdam.MomentumDecay, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("momentumDecay"));
    }

    [Test]
    public void ExportImportContinuesBitIdentically() =>
        TorchFamilyParity.ExportImportContinuesBitIdentically(ps => new NAdam(ps, learningRate: 1e-2, weightDecay: 0.1, momentumDecay: 0.05));

    [Test]
    public void ImportRequiresMuProduct()
    {
        var p = OptimizerFactory.Param("w", 3, seed: 1);
        var opt = new NAdam([p]);
        p.Grad = Tensor.RandomNormal([3], 0f, 1f, seed: 2);
        opt.Step();
        var state = opt.ExportState();
        state.Parameters!["w"].Tensors!.Remove("muProduct");
        Assert.That(() => new NAdam([p]).ImportState(state), Throws.ArgumentException.With.Message.Contains("lacks the tensor 'muProduct'"));
    }

    [Test]
    public void SteadyStateStepAllocatesNothing([Values(1, 2)] int threads) =>
        TorchFamilyParity.SteadyStateStepAllocatesNothing(ps => new NAdam(ps, weightDecay: 1e-4), threads);
}
