using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;

namespace Regularize.Tests.Optimizers;

/// <summary>Adadelta against torch 1.13's Adadelta (every fixture case), its vector form, where decay enters, validation and state.</summary>
public class AdadeltaTests
{
    public static IEnumerable<string> Cases() => FamilyParity.CasesOf("Adadelta");

    internal static Optimizer Create(IEnumerable<ParameterGroup> groups, Family.FamilyConfig c) =>
        new Adadelta(groups, c.LearningRate, c.Rho, c.Epsilon, c.WeightDecay, c.Maximize);

    /// <summary>Every parameter, slot and step count at every checkpoint; bit for bit, coupled decay included.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name) => FamilyParity.Run(name, Create, assert: true, exact: true);

    [Test]
    public void ReportsTheLargestDifference() => FamilyParity.Report("Adadelta", Create);

    [Test]
    [Category("Kernels")]
    public void VectorFormMatchesTheScalarFormAtEveryWidth()
    {
        static void Prepare(float[][] a) => FamilyChecks.NonNegative(a, 0, 1);
        FamilyChecks.Widths<Adadelta.Rule, CoupledL2, NoL1>(new(0.9f, 0.1f, 1e-6f, -1f), Prepare);
        FamilyChecks.Widths<Adadelta.Rule, NoWeightDecay, L1Proximal>(new(0.8f, 0.2f, 1e-4f, -0.5f), Prepare);
        FamilyChecks.Widths<Adadelta.Rule, CoupledL2, L1Subgradient>(new(0.95f, 0.05f, 1e-6f, -2f), Prepare);
    }

    [Test]
    public void CoupledDecayGoesThroughBothAverages() =>
        FamilyChecks.CoupledDecayEntersThroughTheGradient((ps, lambda) => new Adadelta(ps, learningRate: 1, weightDecay: lambda), lambda: 0.1, learningRate: 1);

    [Test]
    public void StateRoundTripContinuesBitForBit() =>
        FamilyChecks.RoundTrip(ps => new Adadelta(ps, learningRate: 0.5, rho: 0.8, weightDecay: 0.1));

    [Test]
    public void BadHyperparametersAreRejectedNamingTheValue()
    {
        var ps = FamilyChecks.Model();
        Assert.That(() => new Adadelta(ps, rho: 1.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("rho").And.Message.Contains("1.1"));
        Assert.That(() => new Adadelta(ps, rho: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("rho"));
        Assert.That(() => new Adadelta(ps, epsilon: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon"));
        Assert.That(() => new Adadelta(ps, learningRate: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate"));
        Assert.That(() => new Adadelta(ps, weightDecay: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("weightDecay"));
    }
}
