using Regularize.Schedules;

namespace Regularize.Tests.Schedules;

public class ScheduleValidationTests
{
    private static IEnumerable<TestCaseData> OutOfRange()
    {
        yield return Case(() => new StepSchedule(0.1, stepSize: 0), "stepSize", "stepSize must be > 0, was 0");
        yield return Case(() => new StepSchedule(0.1, 10, gamma: -1), "gamma", "was -1");
        yield return Case(() => new MultiStepSchedule(0.1, [0, 5]), "milestones", "milestones[0] must be > 0, was 0");
        yield return Case(() => new ExponentialSchedule(0.1, gamma: 0), "gamma", "gamma must be finite and > 0, was 0");
        yield return Case(() => new ExponentialSchedule(double.NaN, 0.9), "baseValue", "baseValue must be finite, was NaN");
        yield return Case(() => new CosineAnnealing(0.1, tMax: -5), "tMax", "tMax must be > 0, was -5");
        yield return Case(() => new CosineAnnealing(0.1, 10, floor: double.PositiveInfinity), "floor", "floor must be finite");
        yield return Case(() => new CosineAnnealingWarmRestarts(0.1, t0: 0), "t0", "t0 must be > 0, was 0");
        yield return Case(() => new CosineAnnealingWarmRestarts(0.1, 10, tMult: 0), "tMult", "tMult must be >= 1, was 0");
        yield return Case(() => new LinearSchedule(0.1, startFactor: -0.5), "startFactor", "was -0.5");
        yield return Case(() => new LinearSchedule(0.1, totalSteps: 0), "totalSteps", "totalSteps must be > 0, was 0");
        yield return Case(() => new PolynomialSchedule(0.1, 10, power: 0), "power", "power must be finite and > 0, was 0");
        yield return Case(() => new CyclicSchedule(0.01, 0.1, stepSizeUp: 0), "stepSizeUp", "stepSizeUp must be > 0, was 0");
        yield return Case(() => new CyclicSchedule(0.01, 0.1, 10, stepSizeDown: -3), "stepSizeDown", "was -3");
        yield return Case(() => new CyclicSchedule(0.01, 0.1, mode: (CyclicMode)7), "mode", "was 7");
        yield return Case(() => new OneCycle(-0.1, 100), "maxValue", "maxValue must be finite and > 0, was -0.1");
        yield return Case(() => new OneCycle(0.1, 0), "totalSteps", "totalSteps must be > 0, was 0");
        yield return Case(() => new OneCycle(0.1, 100, pctStart: 1.5), "pctStart", "pctStart must be in [0, 1], was 1.5");
        yield return Case(() => new OneCycle(0.1, 100, divFactor: 0), "divFactor", "was 0");
        yield return Case(() => new OneCycleMomentum(100, baseMomentum: double.NaN), "baseMomentum", "was NaN");
        yield return Case(() => new SequentialSchedule([new ConstantSchedule(1), new ConstantSchedule(2)], [0]), "milestones", "milestones[0] must be > 0, was 0");
        yield return Case(() => new ConstantSchedule(0.1).At(-1), "step", "step must be >= 0, was -1");
        yield return Case(() => new CosineAnnealing(0.1, 10).At(-0.5), "step", "step must be finite and >= 0, was -0.5");
        yield return Case(() => new OneCycle(0.1, 10).At(-2), "step", "was -2");
    }

    private static TestCaseData Case(Func<object> make, string parameter, string message) =>
        new TestCaseData(make, parameter, message).SetArgDisplayNames($"{parameter}: {message}");

    [TestCaseSource(nameof(OutOfRange))]
    public void OutOfRange_NamesArgumentAndValue(Func<object> make, string parameter, string message)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => make());
        Assert.That(e!.ParamName, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void MultiStep_MilestonesMustNotDecrease()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MultiStepSchedule(0.1, [30, 20]));
        Assert.That(e!.ParamName, Is.EqualTo("milestones"));
        Assert.That(e.Message, Does.Contain("milestones[1] = 20 < milestones[0] = 30"));
    }

    [Test]
    public void Sequential_CountsAndOrder()
    {
        var a = new ConstantSchedule(1);
        var e = Assert.Throws<ArgumentException>(() => _ = new SequentialSchedule([a, a], []));
        Assert.That(e!.Message, Does.Contain("one entry fewer than schedules (1), had 0"));
        e = Assert.Throws<ArgumentException>(() => _ = new SequentialSchedule([a, a, a], [10, 10]));
        Assert.That(e!.Message, Does.Contain("strictly increasing"));
        e = Assert.Throws<ArgumentException>(() => _ = new SequentialSchedule([], []));
        Assert.That(e!.ParamName, Is.EqualTo("schedules"));
    }

    [Test]
    public void Sequential_ChildrenRestartAtTheirMilestones()
    {
        var s = new SequentialSchedule([new ConstantSchedule(7), new ExponentialSchedule(1, 0.5), new LambdaSchedule(t => t)], [3, 6]);
        Assert.That(Enumerable.Range(0, 9).Select(t => s.At(t)), Is.EqualTo(new double[] { 7, 7, 7, 1, 0.5, 0.25, 0, 1, 2 }));
    }

    [Test]
    public void Linear_FromZero_Works()
    {
        // PyTorch 1.13's LinearLR accepts start_factor = 0 but its recursive form then divides by zero at step 1.
        var warmup = new LinearSchedule(0.1, startFactor: 0, endFactor: 1, totalSteps: 4);
        Assert.That(Enumerable.Range(0, 6).Select(t => warmup.At(t)), Is.EqualTo(new[] { 0, 0.025, 0.05, 0.07500000000000001, 0.1, 0.1 }));
    }

    [Test]
    public void FractionalSchedules_AgreeWithIntegerStepsAtIntegers()
    {
        IFractionalSchedule[] schedules =
        [
            new ConstantSchedule(0.3), new ExponentialSchedule(0.1, 0.97), new CosineAnnealing(0.1, 37, 0.002),
            new LinearSchedule(0.1, 0.2, 1.0, 13), new PolynomialSchedule(0.1, 50, 1.5),
            new CosineAnnealingWarmRestarts(0.1, 5, 1, 0.001),
        ];
        foreach (var s in schedules)
            for (long t = 0; t < 200; t++)
                Assert.That(s.At((double)t), Is.EqualTo(s.At(t)), $"{s.GetType().Name} at {t}");
        Assert.That(new CosineAnnealing(1, 10).At(2.5), Is.EqualTo((1 + Math.Cos(Math.PI * 0.25)) / 2).Within(1e-16));
    }

    [Test]
    public void ClosedForms_HandPicked()
    {
        Assert.That(new CosineAnnealing(0.1, 100, floor: 0.001).At(100), Is.EqualTo(0.001).Within(1e-18));
        Assert.That(new CosineAnnealing(0.1, 100, floor: 0.001).At(50.0), Is.EqualTo(0.0505).Within(1e-17));
        Assert.That(new CosineAnnealingWarmRestarts(1, 10, 2).At(30), Is.EqualTo(1.0), "runs 10 + 20: step 30 starts run 3");
        Assert.That(new CosineAnnealingWarmRestarts(1, 10, 2).At(30.0), Is.EqualTo(1.0));
        Assert.That(new CosineAnnealingWarmRestarts(1, 10, 2).At(20.0), Is.EqualTo(0.5).Within(1e-15), "halfway through the 20-step run");
        Assert.That(new PolynomialSchedule(0.001, 4, 1.0).At(3), Is.EqualTo(0.00025).Within(1e-18));
        Assert.That(new LinearSchedule(0.05, startFactor: 0.5, totalSteps: 4).At(1), Is.EqualTo(0.03125));
        Assert.That(new MultiStepSchedule(1, [2, 2, 5], 0.5).At(2), Is.EqualTo(0.25));
        var cyc = new CyclicSchedule(0, 1, stepSizeUp: 4, mode: CyclicMode.Triangular2);
        Assert.That(Enumerable.Range(0, 17).Select(t => cyc.At(t)),
            Is.EqualTo(new[] { 0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0, 0.125, 0.25, 0.375, 0.5, 0.375, 0.25, 0.125, 0 }));
    }
}
