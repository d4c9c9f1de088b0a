using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>Rprop against torch 1.13 (every fixture case), its vector forms, its (coupled) decay, validation and state.</summary>
public class RpropTests
{
    public static IEnumerable<string> Cases() => TorchFamilyParity.CasesOf("Rprop");

    private static Rprop Create(IReadOnlyList<ParameterGroup> groups, FamilyConfig c) =>
        new(groups, c.LearningRate, c.EtaMinus, c.EtaPlus, c.StepSizeMin, c.StepSizeMax, c.Maximize);

    /// <summary>θ, prev, stepSize and t at every checkpoint, bit for bit (Rprop has no multiply-add to round differently).</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name) => Assert.That(TorchFamilyParity.Run(name, Create), Is.Zero);

    [Test]
    public void SignChangeShrinksTheStepAndSkipsTheMove()
    {
        var p = new Parameter(Tensor.FromArray([1f, 1f, 1f], 3), "w");
        var opt = new Rprop([p], learningRate: 0.1, etaMinus: 0.5, etaPlus: 2);
        p.Grad = Tensor.FromArray([1f, 1f, 0f], 3);
        opt.Step(); // Δ = 0.1 (clamped from lr), θ = [0.9, 0.9, 1]
        p.Grad = Tensor.FromArray([1f, -1f, 1f], 3);
        opt.Step(); // same sign: Δ 0.2, θ 0.7; flip: Δ 0.05, no move, prev 0; from 0: Δ 0.1, θ 0.9
        Assert.That(p.Value.ToArray(), Is.EqualTo(new[] { 0.9f - 0.2f, 0.9f, 0.9f }).Within(1e-7));
        Assert.That(opt.StateOf(p)!["stepSize"]!.ToArray(), Is.EqualTo(new[] { 0.2f, 0.05f, 0.1f }).Within(1e-8));
        Assert.That(opt.StateOf(p)!["prev"]!.ToArray(), Is.EqualTo(new[] { 1f, 0f, 1f }));
        p.Grad = Tensor.FromArray([1f, -1f, 1f], 3);
        opt.Step(); // after the skipped move the sign is new again: Δ stays 0.05 and θ moves up
        Assert.That(p.Value.ToArray()[1], Is.EqualTo(0.95f).Within(1e-7));
    }

    [Test, Category("Kernels")]
    public void VectorFormsMatchTheScalarFormAtEveryWidth()
    {
        FusedLoopTests.Check<Rprop.Rule, NoWeightDecay, NoL1>(new(0.5f, 1.2f, 1e-6f, 50f));
        FusedLoopTests.Check<Rprop.Rule, CoupledL2, L1Proximal>(new(0.3f, 1.5f, 0.5f, 0.9f));
        FusedLoopTests.Check<Rprop.Rule, DecoupledDecay, L1Subgradient>(new(0.4f, 1.1f, 0f, 2f));
    }

    [Test]
    public void WeightDecayIsCoupled() =>
        TorchFamilyParity.CoupledDecayIsL2InTheGradient((ps, lambda) => new Rprop(ps, learningRate: 0.05, weightDecay: lambda), 2.0);

    [Test]
    public void RejectsBadHyperparameters()
    {
        var ps = new[] { OptimizerFactory.Param("w", 3, seed: 1) };
        Assert.That(() => new Rprop(ps, etaMinus: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("etaMinus must be in (0, 1), was 1"));
        Assert.That(() => new Rprop(ps, etaMinus: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("etaMinus"));
        Assert.That(() => new Rprop(ps, etaPlus: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("etaPlus must be > 1, was 1"));
        Assert.That(() => new Rprop(ps, stepSizeMin: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("stepSizeMin must be >= 0, was -1"));
        Assert.That(() => new Rprop(ps, stepSizeMin: 2, stepSizeMax: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("stepSizeMin must be <= stepSizeMax (1), was 2"));
        var p = ps[0];
        var opt = new Rprop([p]);
        opt.ParameterGroups[0].Set(Rprop.StepSizeMin, 100);
        p.Grad = Tensor.Ones(3);
        var before = p.Value.ToArray();
        Assert.That(() => opt.Step(), Throws.InvalidOperationException.With.Message.Contains("stepSizeMin (100) must be <= stepSizeMax (50)"));
        Assert.That(p.Value.ToArray(), Is.EqualTo(before));
        Assert.That(opt.StateOf(p), Is.Null);
    }

    [Test]
    public void ExportImportContinuesBitIdentically() =>
        TorchFamilyParity.ExportImportContinuesBitIdentically(ps => new Rprop(ps, learningRate: 1e-2, etaMinus: 0.4, etaPlus: 1.3, maximize: true));

    [Test]
    public void SteadyStateStepAllocatesNothing([Values(1, 2)] int threads) =>
        TorchFamilyParity.SteadyStateStepAllocatesNothing(ps => new Rprop(ps, weightDecay: 1e-4), threads);
}
