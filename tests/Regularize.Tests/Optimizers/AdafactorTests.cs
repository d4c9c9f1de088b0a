using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>Adafactor against <see cref="AdafactorReference"/> (Shazeer &amp; Stern 2018, Algorithms 4 and 5), factored and not.</summary>
public class AdafactorTests
{
    private static readonly FamilyConfig Defaults = FamilyConfig.Defaults("Adafactor");

    /// <summary>A matrix and a vector with the paper's defaults; a 3-D tensor and a 1-element vector with lr, momentum, decay and clipping.</summary>
    private static Parameter[] Parameters() =>
    [
        new Parameter(Tensor.RandomNormal([6, 9], 0f, 1f, seed: 1), "m"),
        OptimizerFactory.Param("v", 7, seed: 2),
        new Parameter(Tensor.RandomNormal([2, 3, 5], 0f, 0.5f, seed: 3), "t"),
        OptimizerFactory.Param("s", 1, seed: 4),
    ];

    private static readonly FamilyConfig Second = Defaults with
    {
        RelativeStep = false, LearningRate = 1e-2, Beta1 = 0.9, WeightDecay = 0.1, ClipThreshold = 0.5, ScaleParameter = false,
    };

    private static Adafactor Make(Parameter[] ps, bool factored = true)
    {
        var second = new ParameterGroup(ps[2..], learningRate: 1e-2, weightDecay: 0.1);
        second.Set(Adafactor.RelativeStep, 0);
        second.Set(Adafactor.ScaleParameter, 0);
        second.Set(Hyperparameter.Beta1, 0.9);
        second.Set(Adafactor.ClipThreshold, 0.5);
        return new Adafactor([new ParameterGroup(ps[..2]), second], factored: factored);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void FollowsTheReferenceInTwoGroups(bool factored)
    {
        var ps = Parameters();
        var opt = Make(ps, factored);
        var configs = new[] { Defaults, Defaults, Second, Second }.Select(c => c with { Factored = factored }).ToArray();
        var theta = ps.Select(p => p.Value.ToArray()).ToArray();
        var states = ps.Select(_ => new FamilyState()).ToArray();
        for (int t = 1; t <= 15; t++)
        {
            foreach (var p in ps) p.Grad = Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, seed: (ulong)(100 * t + p.Length));
            for (int k = 0; k < ps.Length; k++)
                AdafactorReference.Step(configs[k], theta[k], ps[k].Grad!.ToArray(), states[k], ps[k].Shape.ToArray());
            opt.Step();
            for (int k = 0; k < ps.Length; k++) FamilyCompare.State(opt, ps[k], theta[k], states[k], 1e-5, 1e-8, $"step {t}");
        }
        var sm = opt.StateOf(ps[0])!;
        Assert.That(factored ? sm["vRow"]!.Shape.ToArray() : sm["v"]!.Shape.ToArray(), Is.EqualTo(factored ? new[] { 6 } : new[] { 6, 9 }));
        Assert.That(factored ? sm["v"] : sm["vRow"], Is.Null);
        if (factored)
        {
            Assert.That(sm["vColumn"]!.Shape.ToArray(), Is.EqualTo(new[] { 9 }));
            Assert.That(opt.StateOf(ps[2])!["vRow"]!.Shape.ToArray(), Is.EqualTo(new[] { 2, 3 }));
            Assert.That(opt.StateOf(ps[2])!["vColumn"]!.Shape.ToArray(), Is.EqualTo(new[] { 2, 5 }));
        }
        Assert.That(sm["m"], Is.Null, "no momentum in the first group");
        Assert.That(opt.StateOf(ps[2])!["m"], Is.Not.Null);
    }

    [Test]
    public void AFactoredMatrixSplitAcrossChunksAndThreadsFollowsTheReference()
    {
        // 600 × 500 = 300,000 elements: the second chunk starts in the middle of row 524, so the element index the
        // rule reads its factors by must include the chunk's offset.
        var p = new Parameter(Tensor.RandomNormal([600, 500], 0f, 1f, seed: 5), "big");
        var theta = p.Value.ToArray();
        var s = new FamilyState();
        var opt = new Adafactor([p], beta1: 0.5, weightDecay: 0.01) { MaxDegreeOfParallelism = 2 };
        var config = Defaults with { Beta1 = 0.5, WeightDecay = 0.01 };
        for (int t = 1; t <= 3; t++)
        {
            p.Grad = Tensor.RandomNormal([600, 500], 0f, 1f, seed: (ulong)(50 + t));
            AdafactorReference.Step(config, theta, p.Grad.ToArray(), s, [600, 500]);
            opt.Step();
            FamilyCompare.State(opt, p, theta, s, 1e-5, 1e-8, $"step {t}");
        }
    }

    [Test, Category("Kernels")]
    public void ResultsDoNotDependOnThreadsOrWidth()
    {
        // θ and every slot after two steps, against one thread in the scalar form: 1, 2, 3 and 7 threads at the widest
        // width this run has (CI reruns the category with AVX-512, AVX2 and all intrinsics off). [1500, 701] has five
        // blocks of rows in its statistics pass; [300, 7, 129] groups its small matrices into items; [20, 40001] is
        // one block of wide rows; the vector is unfactored. The second group maximizes with an L1 subgradient.
        (float[] Theta, float[][] Slots) Run(int threads, bool scalar, int[] shape, bool maximize)
        {
            var p = new Parameter(Tensor.RandomNormal(shape, 0f, 1f, seed: 6), "w");
            var group = new ParameterGroup([p]);
            if (maximize)
            {
                group.Maximize = true;
                group.L1 = 0.01;
                group.L1Mode = L1Mode.Subgradient;
            }
            var opt = new Adafactor([group], beta1: 0.9, weightDecay: 0.01) { MaxDegreeOfParallelism = threads, ScalarOnly = scalar };
            for (int s = 0; s < 2; s++)
            {
                p.Grad = Tensor.RandomNormal(shape, 0f, 1f, seed: (ulong)(60 + s));
                opt.Step();
            }
            var state = opt.StateOf(p)!;
            return (p.Value.ToArray(), state.Tensors.Select(t => t?.ToArray() ?? []).ToArray());
        }
        foreach (bool maximize in new[] { false, true })
        {
            foreach (var shape in new[] { new[] { 1500, 701 }, new[] { 300, 7, 129 }, new[] { 20, 40001 }, new[] { Optimizer.ChunkElements + 37 } })
            {
                var expected = Run(1, true, shape, maximize);
                foreach (int threads in new[] { 1, 2, 3, 7 })
                {
                    var actual = Run(threads, false, shape, maximize);
                    string what = $"[{string.Join(",", shape)}], {threads} threads, maximize {maximize}";
                    Assert.That(actual.Theta, Is.EqualTo(expected.Theta), what);
                    for (int k = 0; k < expected.Slots.Length; k++) Assert.That(actual.Slots[k], Is.EqualTo(expected.Slots[k]), $"{what}, slot {k}");
                }
            }
        }
    }

    [Test]
    public void MaximizingWithAnL1SubgradientIsMinimizingTheNegatedGradient()
    {
        // The statistics pass must see the g the rule sees: −g + λ₁·sign(θ) when maximizing, not g + λ₁·sign(θ).
        float[] Run(bool maximize)
        {
            var p = new Parameter(Tensor.RandomNormal([40, 30], 0f, 1f, seed: 11), "w");
            var group = new ParameterGroup([p]) { Maximize = maximize, L1 = 0.5, L1Mode = L1Mode.Subgradient };
            var opt = new Adafactor([group]);
            for (int s = 0; s < 3; s++)
            {
                var g = Tensor.RandomNormal([40, 30], 0f, 1f, seed: (ulong)(70 + s)).ToArray();
                if (!maximize) for (int i = 0; i < g.Length; i++) g[i] = -g[i];
                p.Grad = Tensor.FromArray(g, 40, 30);
                opt.Step();
            }
            return p.Value.ToArray();
        }
        Assert.That(Run(maximize: true), Is.EqualTo(Run(maximize: false)));
    }

    [Test]
    public void DecayShrinksByAlphaTimesLambdaInsideTheRule()
    {
        // g = 0: G = ε₁, U = 0, so the step is only the decay θ·(1 − αλ), α = max(ε₂, RMS(θ))·min(10⁻², 1/√t); not lr·λ.
        var p = new Parameter(Tensor.FromArray([1f, -2f, 0.5f, 3f, 0f, 1f], 2, 3), "w");
        var before = p.Value.ToArray();
        var opt = new Adafactor([p], learningRate: 5, weightDecay: 0.5);
        p.Grad = Tensor.Zeros(2, 3);
        opt.Step();
        double alpha = 0.01 * AdafactorReference.Rms(before);
        for (int i = 0; i < 6; i++)
            Assert.That(p.Value.Span[i], Is.EqualTo(before[i] * (1 - alpha * 0.5)).Within(1e-7 * Math.Abs(before[i]) + 1e-12), $"θ[{i}]");
        Assert.That(opt.DecayPlacement, Is.EqualTo(DecayPlacement.InRule));
        // The second moment did not see λ: vRow = ε₁ (the mean of G over a row) after the first step (β̂₁ = 0).
        Assert.That(opt.StateOf(p)!["vRow"]!.ToArray(), Is.EqualTo(new[] { 1e-30f, 1e-30f }));
    }

    [Test]
    public void BadHyperparametersAreRejectedByName()
    {
        Parameter[] ps = [OptimizerFactory.Param("w", 3, seed: 7)];
        Assert.That(() => new Adafactor(ps, clipThreshold: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("clipThreshold must be > 0, was 0"));
        Assert.That(() => new Adafactor(ps, decayExponent: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("decayExponent must be in (0, 1], was 1.5"));
        Assert.That(() => new Adafactor(ps, epsilon1: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon1"));
        Assert.That(() => new Adafactor(ps, epsilon2: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon2"));
        Assert.That(() => new Adafactor(ps, beta1: 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("beta1"));
        Assert.That(() => new Adafactor(ps, learningRate: -1, relativeStep: false), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate"));
        var opt = new Adafactor(ps);
        Assert.That(() => opt.ParameterGroups[0].Set(Adafactor.RelativeStep, 2), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("relativeStep"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ExportImportContinuesBitIdentically(bool factored) =>
        FamilyCompare.RoundTripContinuesBitIdentically(ps => Make(ps, factored), Parameters);

    [Test]
    public void ImportChecksTheFactoredShapes()
    {
        var ps = Parameters();
        var opt = Make(ps);
        FamilyCompare.Step(opt, ps, 0);
        var state = opt.ExportState();
        Assert.That(() => Make(Parameters(), factored: false).ImportState(state), Throws.ArgumentException.With.Message.Contains("'m'"));
        state.Parameters["m"].Tensors["vRow"] = new TensorState { Shape = [9], Data = new float[9] };
        Assert.That(() => Make(Parameters()).ImportState(state), Throws.ArgumentException.With.Message.Contains("vRow").And.Message.Contains("[6]"));
        state.Parameters["m"].Tensors.Remove("vRow");
        Assert.That(() => Make(Parameters()).ImportState(state), Throws.ArgumentException.With.Message.Contains("no 'vRow'"));
    }

    [Test]
    public void ASteadyStateStepAllocatesNothing()
    {
        Parameter[] ps = Parameters();
        Assert.That(FamilyCompare.AllocatedBytesPerStep(Make(ps), ps), Is.EqualTo(0));
    }

    [Test, Category("Kernels")]
    public void TheRuleMatchesItsScalarFormAtEveryWidth()
    {
        // Unfactored (v in slot 2), with and without momentum (m in slot 3).
        ReducingRuleWidths.Check<Adafactor.Rule, NoWeightDecay, NoL1>(n => Unfactored(n, momentum: false));
        ReducingRuleWidths.Check<Adafactor.Rule, DecoupledDecay, L1Proximal>(n => Unfactored(n, momentum: true));
        // Factored: n = rows × columns with columns the largest divisor ≤ √n, so vectors cross rows; also at an offset.
        ReducingRuleWidths.Check<Adafactor.Rule, NoWeightDecay, L1Subgradient>(n => FactoredRule(n, 0));
        ReducingRuleWidths.Check<Adafactor.Rule, NoWeightDecay, NoL1>(n => FactoredRule(n, 5), offset: 5);
    }

    private static Adafactor.Rule Unfactored(int n, bool momentum) =>
        new(null, 0.3f, 0.7f, 1e-30f, 1e-2, true, 1e-3, 1, 0.1, momentum ? 0.9f : 0f, momentum ? 0.1f : 1f, momentum, n, 1f, 1f, 1f);

    private static Adafactor.Rule FactoredRule(int n, int offset)
    {
        int total = n + offset, cols = 1;
        for (int d = 1; d * d <= total; d++) if (total % d == 0) cols = d;
        int rows = total == 0 ? 0 : total / cols;
        var factors = new AdafactorFactors(1, Math.Max(rows, 1), cols);
        var rowFactor = Tensor.RandomNormal([Math.Max(rows, 1)], 0f, 1f, seed: (ulong)(7 * n)).ToArray().Select(x => MathF.Abs(x) + 0.5f).ToArray();
        var colFactor = Tensor.RandomNormal([cols], 0f, 1f, seed: (ulong)(7 * n + 1)).ToArray().Select(x => MathF.Abs(x) + 0.5f).ToArray();
        rowFactor.CopyTo(factors.RowFactor, 0);
        colFactor.CopyTo(factors.ColumnFactor, 0);
        return new(factors, 0.3f, 0.7f, 1e-30f, 1e-2, true, 1e-3, 1, 0.1, 0.9f, 0.1f, true, n, 1f, 1f, 1f);
    }
}
