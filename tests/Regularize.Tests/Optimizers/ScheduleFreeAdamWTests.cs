using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tests.Optimizers.Family;

namespace Regularize.Tests.Optimizers;

/// <summary>Schedule-Free AdamW against <see cref="ScheduleFreeAdamWReference"/> (Defazio et al. 2024, Algorithm 1), and its weight switch.</summary>
public class ScheduleFreeAdamWTests
{
    private static readonly FamilyConfig Config = FamilyConfig.Defaults("ScheduleFreeAdamW") with { LearningRate = 0.01, WeightDecay = 0.05, WarmupSteps = 5 };

    private static Parameter[] Parameters() =>
        [new Parameter(Tensor.RandomNormal([7, 5], 0f, 1f, seed: 1), "a"), OptimizerFactory.Param("b", 33, seed: 2), OptimizerFactory.Param("c", 1, seed: 3)];

    private static ScheduleFreeAdamW Make(Parameter[] ps) =>
        new([new ParameterGroup(ps[..2]), new ParameterGroup(ps[2..], learningRate: 0.03, weightDecay: 0)],
            learningRate: 0.01, weightDecay: 0.05, warmupSteps: 5);

    [Test]
    public void FollowsTheReferenceInTwoGroups()
    {
        var ps = Parameters();
        var opt = Make(ps);
        var configs = new[] { Config, Config, Config with { LearningRate = 0.03, WeightDecay = 0 } };
        var theta = ps.Select(p => p.Value.ToArray()).ToArray();
        var states = ps.Select(_ => new FamilyState()).ToArray();
        for (int t = 1; t <= 30; t++)
        {
            foreach (var p in ps) p.Grad = Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, seed: (ulong)(100 * t + p.Length));
            for (int k = 0; k < ps.Length; k++) ScheduleFreeAdamWReference.Step(configs[k], theta[k], ps[k].Grad!.ToArray(), states[k]);
            opt.Step();
            for (int k = 0; k < ps.Length; k++)
            {
                FamilyCompare.State(opt, ps[k], theta[k], states[k], 1e-5, 1e-7, $"step {t}");
                var s = opt.StateOf(ps[k])!;
                // lrMax and weightSum are float32 slots; the reference keeps them in double.
                Assert.That(s["lrMax"]![0], Is.EqualTo(states[k].Scalars["lrMax"]).Within(1e-7 * states[k].Scalars["lrMax"]), "lrMax");
                Assert.That(s["weightSum"]![0], Is.EqualTo(states[k].Scalars["weightSum"]).Within(1e-6 * states[k].Scalars["weightSum"]), "weightSum");
            }
        }
        opt.UseEvaluationWeights();
        for (int k = 0; k < ps.Length; k++)
        {
            ScheduleFreeAdamWReference.ToEval(configs[k], theta[k], states[k]);
            FamilyCompare.Close(ps[k].Value.Span, theta[k], 1e-4, 1e-6, $"x of {ps[k].Name}");
        }
    }

    [Test]
    public void EvaluatingBetweenStepsAndSwitchingBackContinuesBitIdentically()
    {
        var ps = Parameters();
        var twin = ps.Select(p => new Parameter(p.Value.Clone(), p.Name)).ToArray();
        var opt = Make(ps);
        var other = Make(twin);
        for (int t = 0; t < 12; t++)
        {
            FamilyCompare.Step(opt, ps, t);
            FamilyCompare.Step(other, twin, t);
            if (t % 4 != 1) continue;
            var y = ps.Select(p => p.Value.ToArray()).ToArray();
            opt.UseEvaluationWeights();
            Assert.That(opt.UsesEvaluationWeights, Is.True);
            for (int k = 0; k < ps.Length; k++)
            {
                // x = y + (1 − 1/β₁)(z − y), from our own y and z, in float32.
                var z = opt.StateOf(ps[k])!["z"]!.ToArray();
                float w = (float)(1 - 1 / 0.9);
                var x = y[k].Select((e, i) => e + w * (z[i] - e)).ToArray();
                Assert.That(ps[k].Value.ToArray(), Is.EqualTo(x), $"x of {ps[k].Name}");
                Assert.That(x, Is.Not.EqualTo(y[k]));
            }
            opt.UseEvaluationWeights();   // idempotent
            foreach (var p in ps) p.Grad = Tensor.Zeros(p.Shape.ToArray());
            Assert.That(() => opt.Step(), Throws.InvalidOperationException.With.Message.Contains("UseTrainingWeights"));
            opt.UseTrainingWeights();
            Assert.That(opt.UsesEvaluationWeights, Is.False);
            for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.ToArray(), Is.EqualTo(y[k]), $"y of {ps[k].Name} restored");
        }
        for (int k = 0; k < ps.Length; k++)
        {
            Assert.That(ps[k].Value.ToArray(), Is.EqualTo(twin[k].Value.ToArray()), ps[k].Name);
            Assert.That(opt.StateOf(ps[k])!["z"]!.ToArray(), Is.EqualTo(other.StateOf(twin[k])!["z"]!.ToArray()), ps[k].Name + ".z");
            Assert.That(opt.StateOf(ps[k])!.Step, Is.EqualTo(12));
        }
    }

    [Test]
    public void TrainingWeightsAreYWhicheverWeightsAreInPlaceAndAnImportIsATrainingPoint()
    {
        var ps = Parameters();
        var opt = Make(ps);
        for (int t = 0; t < 5; t++) FamilyCompare.Step(opt, ps, t);
        var y = ps.Select(p => p.Value.ToArray()).ToArray();
        for (int k = 0; k < ps.Length; k++) Assert.That(opt.TrainingWeights(ps[k]).ToArray(), Is.EqualTo(y[k]), "training weights in place");
        opt.UseEvaluationWeights();
        for (int k = 0; k < ps.Length; k++)
        {
            Assert.That(opt.TrainingWeights(ps[k]).ToArray(), Is.EqualTo(y[k]), "the kept copy while x is in place");
            Assert.That(ps[k].Value.ToArray(), Is.Not.EqualTo(y[k]));
        }
        Assert.That(() => opt.TrainingWeights(OptimizerFactory.Param("stranger", 3, seed: 1)),
            Throws.ArgumentException.With.Message.Contains("'stranger'"));

        var state = opt.ExportState();
        opt.ImportState(state);
        Assert.That(opt.UsesEvaluationWeights, Is.False, "importing a state makes the model's weights the training weights");
        opt.UseTrainingWeights();   // nothing to put back
        Assert.That(ps[0].Value.ToArray(), Is.Not.EqualTo(y[0]), "the stale copy is not written back after an import");
    }

    [Test]
    public void BeforeTheFirstStepTheEvaluationWeightsAreTheWeights()
    {
        var p = OptimizerFactory.Param("w", 9, seed: 4);
        var before = p.Value.ToArray();
        var opt = new ScheduleFreeAdamW([p]);
        opt.UseEvaluationWeights();
        Assert.That(p.Value.ToArray(), Is.EqualTo(before));
        opt.UseTrainingWeights();
        Assert.That(p.Value.ToArray(), Is.EqualTo(before));
    }

    [Test]
    public void DecayIsScaledByGammaTAtYAndNeverEntersV()
    {
        // Zero gradient, no warm-up: γ₁ = lr·√(1 − β₂), c = 1, so y = z = θ₀·(1 − γ₁λ) after one step; v stays 0.
        var p = new Parameter(Tensor.FromArray([1f, -2f, 0.5f, 3f], 4), "w");
        var opt = new ScheduleFreeAdamW([p], learningRate: 0.1, weightDecay: 0.5);
        p.Grad = Tensor.Zeros(4);
        opt.Step();
        double gamma = 0.1 * Math.Sqrt(1 - 0.999);
        float[] theta0 = [1f, -2f, 0.5f, 3f];
        for (int i = 0; i < 4; i++)
        {
            double expected = theta0[i] * (1 - gamma * 0.5);
            Assert.That(p.Value.Span[i], Is.EqualTo(expected).Within(1e-7 * Math.Abs(expected)), $"y[{i}]");
            Assert.That(opt.StateOf(p)!["z"]![i], Is.EqualTo(expected).Within(1e-7 * Math.Abs(expected)), $"z[{i}]");
            Assert.That(opt.StateOf(p)!["v"]![i], Is.EqualTo(0f), $"v[{i}]");
        }
        Assert.That(opt.DecayPlacement, Is.EqualTo(DecayPlacement.InRule));
    }

    [Test]
    public void BadHyperparametersAreRejectedByName()
    {
        Parameter[] ps = [OptimizerFactory.Param("w", 3, seed: 5)];
        Assert.That(() => new ScheduleFreeAdamW(ps, beta1: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("beta1 in (0, 1)"));
        Assert.That(() => new ScheduleFreeAdamW(ps, beta2: 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("beta2"));
        Assert.That(() => new ScheduleFreeAdamW(ps, epsilon: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon must be > 0, was 0"));
        Assert.That(() => new ScheduleFreeAdamW(ps, warmupSteps: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("warmupSteps must be >= 0, was -1"));
        Assert.That(() => new ScheduleFreeAdamW(ps, weightLrPower: -2), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("weightLrPower"));
        var opt = new ScheduleFreeAdamW(ps);
        opt.ParameterGroups[0].Beta1 = 0;
        ps[0].Grad = Tensor.Zeros(3);
        var before = ps[0].Value.ToArray();
        Assert.That(() => opt.Step(), Throws.InvalidOperationException.With.Message.Contains("beta1 in (0, 1)"));
        Assert.That(ps[0].Value.ToArray(), Is.EqualTo(before));
        Assert.That(opt.StateOf(ps[0]), Is.Null);
    }

    [Test]
    public void ExportImportContinuesBitIdentically() => FamilyCompare.RoundTripContinuesBitIdentically(Make, Parameters);

    [Test]
    public void ImportWithoutZAfterAStepIsRejected()
    {
        var ps = Parameters();
        var opt = Make(ps);
        FamilyCompare.Step(opt, ps, 0);
        var state = opt.ExportState();
        state.Parameters["b"].Tensors.Remove("z");
        Assert.That(() => Make(Parameters()).ImportState(state), Throws.ArgumentException.With.Message.Contains("'b'").And.Message.Contains("'z'"));
    }

    [Test]
    public void ResultsDoNotDependOnThreadsOrWidth()
    {
        int n = Optimizer.ChunkElements + 37;
        float[] Run(int threads, bool scalar)
        {
            var p = OptimizerFactory.Param("w", n, seed: 10);
            var opt = new ScheduleFreeAdamW([p], weightDecay: 0.01) { MaxDegreeOfParallelism = threads, ScalarOnly = scalar };
            for (int s = 0; s < 2; s++)
            {
                p.Grad = Tensor.RandomNormal([n], 0f, 1f, seed: (ulong)(20 + s));
                opt.Step();
            }
            return p.Value.ToArray();
        }
        var expected = Run(1, scalar: true);
        Assert.That(Run(2, scalar: false), Is.EqualTo(expected));
        Assert.That(Run(1, scalar: false), Is.EqualTo(expected));
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
        ReducingRuleWidths.CheckUpdate<ScheduleFreeAdamW.Rule, NoWeightDecay, NoL1>(new(0.999f, 0.001f, 1e-8f, 0.05f, 0.3f, -0.02f, 0.01f));
        ReducingRuleWidths.CheckUpdate<ScheduleFreeAdamW.Rule, CoupledL2, L1Proximal>(new(0.99f, 0.01f, 1e-6f, 0f, 1f, -0.1f, 0.1f));
    }
}
