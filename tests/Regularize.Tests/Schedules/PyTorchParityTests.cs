using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Tests.Schedules;

/// <summary>
/// Every schedule against torch.optim.lr_scheduler (PyTorch 1.13, Fixtures/schedules/generate.py), driven through a
/// <see cref="Scheduler"/> into a <see cref="ParameterGroup"/> so that the step-0-at-construction and step-after-optimizer
/// conventions are checked too.
/// <para>
/// Tolerance: 1e-12 relative everywhere. Where torch has a closed form (<c>_get_closed_form_lr</c>) we match it
/// within that bound (mostly bit for bit); torch's chainable recursive values (<c>get_last_lr()</c>) drift from the closed form by
/// float rounding only, measured at most 6.5e-15 relative over 240 steps (CosineAnnealingLR), so they are within 1e-12 too.
/// </para>
/// </summary>
public class PyTorchParityTests
{
    private const double Tolerance = 1e-12;
    private const int Steps = 240;

    /// <summary>Binds <paramref name="schedule"/> to a fresh group and records the group's value after construction and after each step.</summary>
    private static double[] Drive(ISchedule schedule, Hyperparameter? hyperparameter = null, int steps = Steps)
    {
        hyperparameter ??= Hyperparameter.LearningRate;
        var group = new ParameterGroup([]) { LearningRate = 0.5, Momentum = 0.5 };
        var scheduler = new Scheduler([group], schedule, hyperparameter);
        var values = new double[steps];
        values[0] = group.Get(hyperparameter);
        for (int t = 1; t < steps; t++)
        {
            scheduler.Step();
            values[t] = group.Get(hyperparameter);
            Assert.That(scheduler.LastValues[0], Is.EqualTo(values[t]));
        }
        return values;
    }

    private static void CheckLr(string name, ISchedule schedule, bool hasClosedForm)
    {
        double[] ours = Drive(schedule);
        TorchReference.AssertClose(ours, TorchReference.Series(name, "lr"), Tolerance, $"{name} vs get_last_lr()");
        if (hasClosedForm)
            TorchReference.AssertClose(ours, TorchReference.Series(name, "closed"), Tolerance, $"{name} vs _get_closed_form_lr()");
    }

    [Test]
    public void Step() => CheckLr("step", new StepSchedule(baseValue: 0.1, stepSize: 30, gamma: 0.5), hasClosedForm: true);

    [Test]
    public void MultiStep_WithRepeatedMilestone() =>
        CheckLr("multistep", new MultiStepSchedule(baseValue: 0.1, milestones: [30, 80, 80, 150], gamma: 0.3), hasClosedForm: true);

    [Test]
    public void Exponential() => CheckLr("exponential", new ExponentialSchedule(baseValue: 0.1, gamma: 0.98), hasClosedForm: true);

    [Test]
    public void CosineAnnealing_WithFloor_PastTMax() =>
        CheckLr("cosine", new CosineAnnealing(baseValue: 0.1, tMax: 100, floor: 0.001), hasClosedForm: true);

    [Test]
    public void CosineAnnealing_ZeroFloor() => CheckLr("cosine_floor0", new CosineAnnealing(baseValue: 0.05, tMax: 50), hasClosedForm: true);

    [Test]
    public void WarmRestarts_TMult1() =>
        CheckLr("warm_restarts_mult1", new CosineAnnealingWarmRestarts(baseValue: 0.1, t0: 20, tMult: 1, floor: 0.001), hasClosedForm: false);

    [Test]
    public void WarmRestarts_TMult2() =>
        CheckLr("warm_restarts_mult2", new CosineAnnealingWarmRestarts(baseValue: 0.1, t0: 10, tMult: 2), hasClosedForm: false);

    [Test]
    public void WarmRestarts_FractionalEpochs()
    {
        // torch: scheduler.step(k / 7) for k = 0 .. 239, i.e. seven batches per epoch.
        var sgdr = new CosineAnnealingWarmRestarts(baseValue: 0.1, t0: 3, tMult: 2, floor: 0.001);
        double[] epochs = TorchReference.Flat("warm_restarts_fractional", "epochs");
        double[] ours = epochs.Select(sgdr.At).ToArray();
        TorchReference.AssertClose(ours, TorchReference.Series("warm_restarts_fractional", "lr"), Tolerance, "SGDR at fractional epochs");

        // The same through a Scheduler stepping once per batch, with a lambda mapping batches to epoch fractions.
        double[] driven = Drive(new LambdaSchedule(t => sgdr.At(t / 7.0)));
        TorchReference.AssertClose(driven, TorchReference.Series("warm_restarts_fractional", "lr"), Tolerance, "SGDR per batch via LambdaSchedule");
    }

    [Test]
    public void WarmRestarts_IntegerAndFractionalFormsAgree()
    {
        var sgdr = new CosineAnnealingWarmRestarts(baseValue: 0.1, t0: 3, tMult: 3, floor: 0.01);
        for (long t = 0; t < 2000; t++)
            Assert.That(sgdr.At((double)t), Is.EqualTo(sgdr.At(t)), $"t = {t}");
    }

    [Test]
    public void Linear_Warmup() =>
        CheckLr("linear_warmup", new LinearSchedule(baseValue: 0.1, startFactor: 0.25, endFactor: 1.0, totalSteps: 40), hasClosedForm: true);

    [Test]
    public void Linear_Decay() =>
        CheckLr("linear_decay", new LinearSchedule(baseValue: 0.1, startFactor: 1.0, endFactor: 0.1, totalSteps: 100), hasClosedForm: true);

    [Test]
    public void Polynomial() => CheckLr("polynomial", new PolynomialSchedule(baseValue: 0.1, totalSteps: 150, power: 2.0), hasClosedForm: true);

    [Test]
    public void Cyclic_Triangular_AsymmetricSteps() =>
        CheckLr("cyclic_triangular", new CyclicSchedule(baseValue: 0.01, peakValue: 0.1, stepSizeUp: 20, stepSizeDown: 30), hasClosedForm: false);

    [Test]
    public void Cyclic_Triangular2_WithMomentumCycle()
    {
        CheckLr("cyclic_triangular2", new CyclicSchedule(0.01, 0.1, stepSizeUp: 25, mode: CyclicMode.Triangular2), hasClosedForm: false);
        double[] momentum = Drive(CyclicSchedule.Momentum(baseMomentum: 0.8, maxMomentum: 0.9, stepSizeUp: 25, mode: CyclicMode.Triangular2),
            Hyperparameter.Momentum);
        TorchReference.AssertClose(momentum, TorchReference.Series("cyclic_triangular2", "momentum"), Tolerance, "triangular2 momentum");
    }

    [Test]
    public void Cyclic_ExpRange_WithMomentumCycle()
    {
        CheckLr("cyclic_exp_range", new CyclicSchedule(0.001, 0.05, stepSizeUp: 15, mode: CyclicMode.ExpRange, gamma: 0.995), hasClosedForm: false);
        double[] momentum = Drive(CyclicSchedule.Momentum(0.85, 0.95, stepSizeUp: 15, mode: CyclicMode.ExpRange, gamma: 0.995),
            Hyperparameter.Momentum);
        TorchReference.AssertClose(momentum, TorchReference.Series("cyclic_exp_range", "momentum"), Tolerance, "exp_range momentum");
    }

    private static void CheckOneCycle(string name, OneCycle lr, Hyperparameter momentumKind)
    {
        CheckLr(name, lr, hasClosedForm: false);
        double[] momentum = Drive(lr.MomentumCycle(), momentumKind);
        TorchReference.AssertClose(momentum, TorchReference.Series(name, "momentum"), Tolerance, $"{name} {momentumKind}");
    }

    [Test]
    public void OneCycle_CosineDefaults() => CheckOneCycle("onecycle_cos", new OneCycle(maxValue: 0.1, totalSteps: Steps), Hyperparameter.Momentum);

    [Test]
    public void OneCycle_Linear() => CheckOneCycle("onecycle_linear",
        new OneCycle(0.2, Steps, pctStart: 0.25, annealing: OneCycleAnnealing.Linear, divFactor: 10, finalDivFactor: 100), Hyperparameter.Momentum);

    [Test]
    public void OneCycle_ThreePhase() => CheckOneCycle("onecycle_three_phase", new OneCycle(0.1, Steps, threePhase: true), Hyperparameter.Momentum);

    [Test]
    public void OneCycle_AdamBeta1() => CheckOneCycle("onecycle_adam", new OneCycle(0.003, Steps), Hyperparameter.Beta1);

    [Test]
    public void OneCycle_HoldsFinalValuePastTheEnd()
    {
        var lr = new OneCycle(0.1, 100);
        Assert.That(lr.At(99), Is.EqualTo(lr.MinValue).Within(1e-18));
        Assert.That(lr.At(100), Is.EqualTo(lr.At(99)));
        Assert.That(lr.At(10_000), Is.EqualTo(lr.At(99)));
        Assert.That(lr.MomentumCycle().At(10_000), Is.EqualTo(0.95));
    }

    [Test]
    public void Sequential_LinearWarmupThenCosine() => CheckLr("sequential_warmup_cosine",
        new SequentialSchedule(
            [new LinearSchedule(0.1, startFactor: 0.1, endFactor: 1.0, totalSteps: 20), new CosineAnnealing(0.1, tMax: 200, floor: 1e-4)],
            [20]),
        hasClosedForm: false);

    [Test]
    public void Lambda_InverseTime() =>
        CheckLr("lambda_inverse_time", new LambdaSchedule(0.1, t => 1.0 / (1.0 + 0.05 * t)), hasClosedForm: false);
}
