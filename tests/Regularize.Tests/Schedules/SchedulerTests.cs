using System.Text.Json;
using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Tests.Schedules;

public class SchedulerTests
{
    private static ParameterGroup Group(double lr = 0.1, double weightDecay = 0, double momentum = 0, string? name = null) =>
        new([], name) { LearningRate = lr, WeightDecay = weightDecay, Momentum = momentum };

    [Test]
    public void StepZeroIsInPlaceAtConstruction_ThenOneValuePerStep()
    {
        var group = Group(lr: 123);
        var schedule = new StepSchedule(0.1, stepSize: 2, gamma: 0.5);
        var scheduler = new Scheduler([group], schedule);
        Assert.That(scheduler.StepCount, Is.EqualTo(0));
        Assert.That(group.LearningRate, Is.EqualTo(0.1));
        Assert.That(scheduler.InitialValues, Is.EqualTo(new[] { 123.0 }));
        for (long t = 1; t <= 7; t++)
        {
            scheduler.Step();
            Assert.That(scheduler.StepCount, Is.EqualTo(t));
            Assert.That(group.LearningRate, Is.EqualTo(schedule.At(t)));
        }
    }

    [Test]
    public void WritesIntoSeveralGroups_SharedOrPerGroupSchedules()
    {
        var a = Group(name: "encoder");
        var b = Group(name: "head");
        var shared = new Scheduler([a, b], new CosineAnnealing(0.1, tMax: 10));
        for (int t = 0; t < 5; t++) shared.Step();
        Assert.That(a.LearningRate, Is.EqualTo(b.LearningRate));
        Assert.That(shared.LastValues, Is.EqualTo(new[] { a.LearningRate, b.LearningRate }));

        var perGroup = new Scheduler([a, b], [new CosineAnnealing(0.01, tMax: 10), new CosineAnnealing(0.1, tMax: 10)]);
        for (int t = 0; t < 5; t++) perGroup.Step();
        Assert.That(a.LearningRate, Is.EqualTo(new CosineAnnealing(0.01, 10).At(5)));
        Assert.That(b.LearningRate, Is.EqualTo(new CosineAnnealing(0.1, 10).At(5)));
    }

    [Test]
    public void DrivesWeightDecay_AndLeavesTheLearningRateAlone()
    {
        var group = Group(lr: 0.1, weightDecay: 0.5);
        var decay = new LinearSchedule(baseValue: 0.05, startFactor: 1.0, endFactor: 0.0, totalSteps: 10);
        var scheduler = new Scheduler([group], decay, Hyperparameter.WeightDecay);
        Assert.That(group.WeightDecay, Is.EqualTo(0.05));
        for (int t = 1; t <= 12; t++)
        {
            scheduler.Step();
            Assert.That(group.WeightDecay, Is.EqualTo(decay.At(t)));
            Assert.That(group.LearningRate, Is.EqualTo(0.1));
        }
        Assert.That(group.WeightDecay, Is.EqualTo(0.0));
    }

    [Test]
    public void MultiplyInitial_OneMultiplierDrivesGroupsWithDifferentBases()
    {
        var a = Group(lr: 0.1);
        var b = Group(lr: 0.003);
        var multiplier = new CosineAnnealing(baseValue: 1.0, tMax: 20);
        var scheduler = new Scheduler([a, b], multiplier, mode: ScheduleMode.MultiplyInitial);
        for (int t = 0; t <= 20; t++)
        {
            Assert.That(a.LearningRate, Is.EqualTo(0.1 * multiplier.At(t)));
            Assert.That(b.LearningRate, Is.EqualTo(0.003 * multiplier.At(t)));
            scheduler.Step();
        }
    }

    [Test]
    public void MultiplyInitialByRatio_LearningRateScheduleDecaysWeightDecayTogether()
    {
        // λₜ = ηₜ · λ with ηₜ = s(t) / s(0): the same schedule drives lr (absolute) and weight decay (by ratio).
        var group = Group(lr: 0.1, weightDecay: 5e-4);
        var schedule = new SequentialSchedule([new ConstantSchedule(0.1), new CosineAnnealing(0.1, tMax: 50, floor: 0.001)], [10]);
        var lr = new Scheduler([group], schedule);
        var wd = new Scheduler([group], schedule, Hyperparameter.WeightDecay, ScheduleMode.MultiplyInitialByRatio);
        for (int t = 0; t <= 60; t++)
        {
            double eta = schedule.At(t) / schedule.At(0);
            Assert.That(group.LearningRate, Is.EqualTo(schedule.At(t)));
            Assert.That(group.WeightDecay, Is.EqualTo(5e-4 * eta).Within(1e-18));
            Assert.That(group.WeightDecay / 5e-4, Is.EqualTo(group.LearningRate / 0.1).Within(1e-14));
            lr.Step();
            wd.Step();
        }
    }

    [Test]
    public void TwoSchedulersDriveDifferentHyperparametersOfOneGroup()
    {
        // Adam-style one-cycle: lr with OneCycle, β₁ with its momentum cycle, weight decay with its own schedule.
        var group = Group(lr: 0.001, weightDecay: 0.01);
        var oneCycle = new OneCycle(maxValue: 0.01, totalSteps: 100);
        var beta1Cycle = oneCycle.MomentumCycle();
        var decay = new CosineAnnealing(0.01, tMax: 100, floor: 0.001);
        var schedulers = new[]
        {
            new Scheduler([group], oneCycle),
            new Scheduler([group], beta1Cycle, Hyperparameter.Beta1),
            new Scheduler([group], decay, Hyperparameter.WeightDecay),
        };
        Assert.That(group.Beta1, Is.EqualTo(0.95));
        for (int t = 0; t < 100; t++)
        {
            Assert.That(group.LearningRate, Is.EqualTo(oneCycle.At(t)));
            Assert.That(group.Beta1, Is.EqualTo(beta1Cycle.At(t)));
            Assert.That(group.WeightDecay, Is.EqualTo(decay.At(t)));
            Assert.That(group.Beta2, Is.EqualTo(0.999));
            foreach (var s in schedulers) s.Step();
        }
        // The first phase ends at step p·N − 1 = 29 (PyTorch's convention): there the lr peaks and β₁ bottoms out.
        Assert.That(oneCycle.At(29), Is.EqualTo(0.01).Within(1e-18));
        Assert.That(beta1Cycle.At(29), Is.EqualTo(0.85).Within(1e-15), "β₁ is lowest where the learning rate peaks");
    }

    [Test]
    public void ExportImport_ThroughJson_ResumesWithTheSameValues()
    {
        var schedule = new SequentialSchedule([new LinearSchedule(1.0, 0.1, 1.0, 10), new CosineAnnealing(1.0, 90)], [10]);
        ParameterGroup[] Make() => [Group(lr: 0.1, weightDecay: 0.02), Group(lr: 0.01, weightDecay: 0.0)];

        var full = Make();
        var uninterrupted = new Scheduler(full, schedule, mode: ScheduleMode.MultiplyInitial);
        var trace = new List<double[]>();
        for (int t = 0; t < 100; t++)
        {
            trace.Add(full.Select(g => g.LearningRate).ToArray());
            uninterrupted.Step();
        }

        var first = Make();
        var before = new Scheduler(first, schedule, mode: ScheduleMode.MultiplyInitial);
        for (int t = 0; t < 37; t++) before.Step();
        string json = JsonSerializer.Serialize(before.ExportState());

        // Resume into groups restored from a checkpoint: their current lr is the step-37 value, not the initial one.
        var resumed = first.Select(g => Group(lr: g.LearningRate, weightDecay: g.WeightDecay)).ToArray();
        var after = new Scheduler(resumed, schedule, mode: ScheduleMode.MultiplyInitial);
        after.ImportState(JsonSerializer.Deserialize<SchedulerState>(json)!);
        Assert.That(after.StepCount, Is.EqualTo(37));
        Assert.That(after.InitialValues, Is.EqualTo(new[] { 0.1, 0.01 }));
        for (int t = 37; t < 100; t++)
        {
            Assert.That(resumed.Select(g => g.LearningRate).ToArray(), Is.EqualTo(trace[t]), $"step {t}");
            after.Step();
        }
    }

    [Test]
    public void ImportState_RejectsMismatches()
    {
        var scheduler = new Scheduler([Group()], new ConstantSchedule(0.1));
        var e = Assert.Throws<ArgumentException>(() => scheduler.ImportState(new SchedulerState(3, [0.1], Hyperparameter.WeightDecay, ScheduleMode.Absolute)));
        Assert.That(e!.Message, Does.Contain("state drives WeightDecay but this scheduler drives LearningRate"));
        e = Assert.Throws<ArgumentException>(() => scheduler.ImportState(new SchedulerState(3, [0.1, 0.2], Hyperparameter.LearningRate, ScheduleMode.Absolute)));
        Assert.That(e!.Message, Does.Contain("2 initial values but this scheduler drives 1 groups"));
        e = Assert.Throws<ArgumentException>(() => scheduler.ImportState(new SchedulerState(-1, [0.1], Hyperparameter.LearningRate, ScheduleMode.Absolute)));
        Assert.That(e!.Message, Does.Contain("state.Step must be >= 0, was -1"));
        e = Assert.Throws<ArgumentException>(() => scheduler.ImportState(new SchedulerState(1, [double.NaN], Hyperparameter.LearningRate, ScheduleMode.Absolute)));
        Assert.That(e!.Message, Does.Contain("state.InitialValues[0] must be finite, was NaN"));
        e = Assert.Throws<ArgumentException>(() => scheduler.ImportState(new SchedulerState(1, [0.1], Hyperparameter.LearningRate, ScheduleMode.MultiplyInitial)));
        Assert.That(e!.Message, Does.Contain("mode MultiplyInitial"));
    }

    [Test]
    public void Validation_NamesArgumentAndValue()
    {
        var group = Group();
        var e = Assert.Throws<ArgumentException>(() => _ = new Scheduler([], new ConstantSchedule(0.1)));
        Assert.That(e!.ParamName, Is.EqualTo("groups"));
        Assert.That(e.Message, Does.Contain("at least one parameter group"));

        e = Assert.Throws<ArgumentException>(() => _ = new Scheduler([group, group], new ConstantSchedule(0.1)));
        Assert.That(e!.Message, Does.Contain("groups[1] appears twice"));

        Assert.Throws<ArgumentNullException>(() => _ = new Scheduler([group], (ISchedule)null!));

        e = Assert.Throws<ArgumentException>(() => _ = new Scheduler([group, Group()], [new ConstantSchedule(0.1)]));
        Assert.That(e!.ParamName, Is.EqualTo("schedules"));
        Assert.That(e.Message, Does.Contain("one schedule per group (2), had 1"));

        e = Assert.Throws<ArgumentException>(() => _ = new Scheduler([group], new LinearSchedule(0.1, startFactor: 0), Hyperparameter.WeightDecay,
            ScheduleMode.MultiplyInitialByRatio));
        Assert.That(e!.Message, Does.Contain("value at step 0, which is 0"));

        var momentumGroup = Group(name: "head");
        var rejected = Assert.Throws<InvalidOperationException>(() => _ = new Scheduler([momentumGroup], new ConstantSchedule(1.5), Hyperparameter.Momentum));
        Assert.That(rejected!.Message, Does.Contain("Momentum at step 0").And.Contain("'head'").And.Contain("1.5"));
    }
}
