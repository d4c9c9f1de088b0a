using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

/// <summary>Adagrad against torch 1.13's Adagrad (every fixture case), its vector form, where decay enters, validation and state.</summary>
public class AdagradTests
{
    public static IEnumerable<string> Cases() => FamilyParity.CasesOf("Adagrad");

    internal static Optimizer Create(IEnumerable<ParameterGroup> groups, Family.FamilyConfig c) =>
        new Adagrad(groups, c.LearningRate, c.LearningRateDecay, c.WeightDecay, c.InitialAccumulatorValue, c.Epsilon, c.Maximize);

    /// <summary>Every parameter, slot and step count at every checkpoint; bit for bit, coupled decay included.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name) => FamilyParity.Run(name, Create, assert: true, exact: true);

    [Test]
    public void ReportsTheLargestDifference() => FamilyParity.Report("Adagrad", Create);

    [Test]
    [Category("Kernels")]
    public void VectorFormMatchesTheScalarFormAtEveryWidth()
    {
        static void Prepare(float[][] a) => FamilyChecks.NonNegative(a, 0);
        FamilyChecks.Widths<Adagrad.Rule, CoupledL2, NoL1>(new(1e-10f, -0.1f), Prepare);
        FamilyChecks.Widths<Adagrad.Rule, NoWeightDecay, L1Proximal>(new(1e-3f, -0.05f), Prepare);
        FamilyChecks.Widths<Adagrad.Rule, CoupledL2, L1Subgradient>(new(1e-6f, -0.01f), Prepare);
    }

    [Test]
    public void CoupledDecayGoesThroughTheSum() =>
        FamilyChecks.CoupledDecayEntersThroughTheGradient((ps, lambda) => new Adagrad(ps, learningRate: 0.1, weightDecay: lambda, learningRateDecay: 0.01),
            lambda: 0.1, learningRate: 0.1);

    [Test]
    public void StateRoundTripContinuesBitForBit() =>
        FamilyChecks.RoundTrip(ps => new Adagrad(ps, learningRate: 0.1, learningRateDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.3));

    [Test]
    public void TheSumStartsAtTheInitialAccumulatorValueAndTheRateDecays()
    {
        // θ₀ = 0, g = 1 every step, τ = 3: s_t = 3 + t, and θ moves by lr/(1 + (t − 1)η) · 1/(√s_t + ε).
        var p = new Parameter(Tensor.Zeros(5), "w");
        var opt = new Adagrad([p], learningRate: 0.5, learningRateDecay: 0.25, initialAccumulatorValue: 3, epsilon: 1e-10);
        double theta = 0;
        for (int t = 1; t <= 4; t++)
        {
            p.Grad = Tensor.Full(1f, 5);
            opt.Step();
            theta -= 0.5 / (1 + (t - 1) * 0.25) / (Math.Sqrt(3 + t) + 1e-10);
            Assert.That(opt.StateOf(p)!["sum"]!.ToArray(), Is.All.EqualTo(3f + t));
            Assert.That(p.Value.ToArray(), Is.All.EqualTo(theta).Within(1e-6));
        }
    }

    [Test]
    public void BadHyperparametersAreRejectedNamingTheValue()
    {
        var ps = FamilyChecks.Model();
        Assert.That(() => new Adagrad(ps, learningRateDecay: -0.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRateDecay").And.Message.Contains("-0.5"));
        Assert.That(() => new Adagrad(ps, initialAccumulatorValue: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("initialAccumulatorValue"));
        Assert.That(() => new Adagrad(ps, epsilon: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon"));
        Assert.That(() => new Adagrad(ps, learningRate: double.PositiveInfinity), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate"));
        Assert.That(() => new Adagrad(ps, weightDecay: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("weightDecay"));
    }
}
