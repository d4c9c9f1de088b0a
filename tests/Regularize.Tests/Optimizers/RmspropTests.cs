using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;

namespace Regularize.Tests.Optimizers;

/// <summary>Rmsprop against torch 1.13's RMSprop (every fixture case), its vector forms, where decay enters, validation and state.</summary>
public class RmspropTests
{
    public static IEnumerable<string> Cases() => FamilyParity.CasesOf("RMSprop");

    internal static Optimizer Create(IEnumerable<ParameterGroup> groups, Family.FamilyConfig c) =>
        new Rmsprop(groups, c.LearningRate, c.Alpha, c.Epsilon, c.WeightDecay, c.Momentum, c.Centered, c.Maximize);

    /// <summary>Every parameter, slot and step count at every checkpoint; bit for bit, coupled decay included.</summary>
    [TestCaseSource(nameof(Cases))]
    public void MatchesTorch(string name) => FamilyParity.Run(name, Create, assert: true, exact: true);

    [Test]
    public void ReportsTheLargestDifference() => FamilyParity.Report("RMSprop", Create);

    [Test]
    [Category("Kernels")]
    public void VectorFormsMatchTheScalarFormAtEveryWidth()
    {
        // Slots: 0 squareAvg ≥ 0, 1 gradAvg, 2 momentumBuffer; centred: v ≥ ḡ² so that v − ḡ² stays ≥ 0 after the update.
        static void Prepare(float[][] a)
        {
            FamilyChecks.NonNegative(a, 0);
            for (int i = 0; i < a[2].Length; i++) a[2][i] += 2 * a[3][i] * a[3][i];
        }
        FamilyChecks.Widths<Rmsprop.Rule<Off, Off>, CoupledL2, NoL1>(new(0.99f, 0.01f, 1e-8f, 0f, -1e-2f), Prepare);
        FamilyChecks.Widths<Rmsprop.Rule<Off, On>, CoupledL2, L1Proximal>(new(0.9f, 0.1f, 1e-3f, 0.9f, -1e-2f), Prepare);
        FamilyChecks.Widths<Rmsprop.Rule<On, Off>, NoWeightDecay, L1Subgradient>(new(0.95f, 0.05f, 1e-6f, 0f, -3e-3f), Prepare);
        FamilyChecks.Widths<Rmsprop.Rule<On, On>, CoupledL2, NoL1>(new(0.95f, 0.05f, 1e-6f, 0.5f, -3e-3f), Prepare);
    }

    [Test]
    public void CoupledDecayGoesThroughTheSquareAverage([Values(false, true)] bool centeredWithMomentum) =>
        FamilyChecks.CoupledDecayEntersThroughTheGradient(
            (ps, lambda) => new Rmsprop(ps, learningRate: 1e-2, weightDecay: lambda, momentum: centeredWithMomentum ? 0.9 : 0, centered: centeredWithMomentum),
            lambda: 0.1, learningRate: 1e-2);

    [Test]
    public void StateRoundTripContinuesBitForBit() =>
        FamilyChecks.RoundTrip(ps => new Rmsprop(ps, learningRate: 1e-2, weightDecay: 0.05, momentum: 0.9, centered: true));

    [Test]
    public void SlotsAreAllocatedOnlyForTheOptionsInUse()
    {
        var ps = FamilyChecks.Model();
        var opt = new Rmsprop(ps);
        foreach (var p in ps) p.Grad = Regularize.Tensors.Tensor.Full(0.5f, p.Shape.ToArray());
        opt.Step();
        var s = opt.StateOf(ps[0])!;
        Assert.That(s["squareAvg"], Is.Not.Null);
        Assert.That(s["gradAvg"], Is.Null);
        Assert.That(s["momentumBuffer"], Is.Null);
    }

    [Test]
    public void BadHyperparametersAreRejectedNamingTheValue()
    {
        var ps = FamilyChecks.Model();
        Assert.That(() => new Rmsprop(ps, alpha: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("rmspropAlpha").And.Message.Contains("1.5"));
        Assert.That(() => new Rmsprop(ps, alpha: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("-0.1"));
        Assert.That(() => new Rmsprop(ps, epsilon: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("epsilon"));
        Assert.That(() => new Rmsprop(ps, momentum: 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("momentum"));
        Assert.That(() => new Rmsprop(ps, learningRate: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("learningRate"));
        Assert.That(() => new Rmsprop(ps, weightDecay: double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("weightDecay"));

        var opt = new Rmsprop(ps);
        opt.ParameterGroups[0].Set(Rmsprop.Centered, 0.5);
        var before = ps[0].Value.ToArray();
        foreach (var p in ps) p.Grad = Regularize.Tensors.Tensor.Full(0.5f, p.Shape.ToArray());
        Assert.That(() => opt.Step(), Throws.InvalidOperationException.With.Message.Contains("centered").And.Message.Contains("0.5"));
        Assert.That(ps[0].Value.ToArray(), Is.EqualTo(before), "nothing applied");
        Assert.That(opt.StateOf(ps[0]), Is.Null);
    }
}
