using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;

namespace Regularize.Tests.Optimizers;

/// <summary>Adamax against torch 1.13's Adamax (every fixture case), its vector form, where decay enters, validation and state.</summary>
public class AdamaxTests
{
    public static IEnumerable<string> Cases() => FamilyParity.CasesOf("Adamax");

    internal static Optimizer Create(IEnumerable<ParameterGroup> groups, Family.FamilyConfig c) =>
        new Adamax(groups, c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay, c.Maximize);

    /// <summary>Every parameter, slot and step count at every checkpoint; bit for bit, coupled decay included.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name) => FamilyParity.Run(name, Create, assert: true, exact: true);

    [Test]
    public void ReportsTheLargestDifference() => FamilyParity.Report("Adamax", Create);

    [Test]
    [Category("Kernels")]
    public void VectorFormMatchesTheScalarFormAtEveryWidth()
    {
        static void Prepare(float[][] a) => FamilyChecks.NonNegative(a, 1);
        FamilyChecks.Widths<Adamax.Rule, CoupledL2, NoL1>(new(0.9f, 0.1f, 0.999f, 1e-8f, -2e-3f), Prepare);
        FamilyChecks.Widths<Adamax.Rule, NoWeightDecay, L1Proximal>(new(0.8f, 0.2f, 0.99f, 1e-2f, -1e-2f), Prepare);
        FamilyChecks.Widths<Adamax.Rule, CoupledL2, L1Subgradient>(new(0.9f, 0.1f, 0.999f, 1e-8f, -3e-3f), Prepare);
    }

    [Test]
    public void CoupledDecayGoesThroughBothMoments() =>
        FamilyChecks.CoupledDecayEntersThroughTheGradient((ps, lambda) => new Adamax(ps, learningRate: 1e-2, weightDecay: lambda), lambda: 0.1, learningRate: 1e-2);

    [Test]
    public void StateRoundTripContinuesBitForBit() =>
        FamilyChecks.RoundTrip(ps => new Adamax(ps, learningRate: 1e-2, beta1: 0.8, beta2: 0.99, weightDecay: 0.1));

    [Test]
    public void BadHyperparametersAreRejectedNamingTheValue()
    {
        var ps = FamilyChecks.Model();
        Assert.That(() => new Adamax(ps, beta1: 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("beta1").And.Message.Contains("was 1"));
        Assert.That(() => new Adamax(ps, beta2: -0.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("beta2"));
        Assert.That(() => new Adamax(ps, epsilon: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon"));
        Assert.That(() => new Adamax(ps, learningRate: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate"));
        Assert.That(() => new Adamax(ps, weightDecay: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("weightDecay"));
    }
}
