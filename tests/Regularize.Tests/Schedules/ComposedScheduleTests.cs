using System.Text.Json;
using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Tests.Schedules;

/// <summary>
/// <see cref="MultiplicativeSchedule"/>, <see cref="ChainedSchedule"/> and <see cref="CyclicSchedule"/> with a scale
/// function against torch.optim.lr_scheduler 1.13 (Fixtures/schedules/generate_composed.py), driven through a
/// <see cref="Scheduler"/>. Tolerance 1e-12 relative, as <see cref="PyTorchParityTests"/>: PyTorch's chained values
/// are running products, ours closed-form products, which differ by float rounding only.
/// </summary>
public class ComposedScheduleTests
{
    private const double Tolerance = 1e-12;

    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schedules", "composed_schedules.json"))));

    private static double[] Expected(string name) =>
        TorchReference.Doubles(Document.Value.RootElement.GetProperty("cases").GetProperty(name).GetProperty("lr")[0]);

    private static void Check(string name, ISchedule schedule)
    {
        var expected = Expected(name);
        var group = new ParameterGroup([]) { LearningRate = 0.5 };
        var scheduler = new Scheduler([group], schedule);
        var values = new double[expected.Length];
        values[0] = group.LearningRate;
        for (int t = 1; t < values.Length; t++)
        {
            scheduler.Step();
            values[t] = group.LearningRate;
        }
        TorchReference.AssertClose(values, expected, Tolerance, name);
    }

    [Test]
    public void Multiplicative_ConstantFactor() => Check("multiplicative_constant", new MultiplicativeSchedule(0.1, _ => 0.97));

    [Test]
    public void Multiplicative_StepDependentFactor_IsBitForBit()
    {
        var schedule = new MultiplicativeSchedule(0.1, t => 1.0 - 0.5 / (t + 10.0));
        Check("multiplicative_varying", schedule);
        // Same running product as PyTorch's, so the same bits; and asking out of order recomputes the same values.
        var expected = Expected("multiplicative_varying");
        Assert.That(schedule.At(239), Is.EqualTo(expected[239]));
        Assert.That(schedule.At(17), Is.EqualTo(expected[17]));
        Assert.That(schedule.At(0), Is.EqualTo(0.1));
    }

    [Test]
    public void Chained_ExponentialAndStep() =>
        Check("chained_exponential_step", new ChainedSchedule(0.1, [new ExponentialSchedule(1, 0.99), new StepSchedule(1, 30, 0.5)]));

    [Test]
    public void Chained_WarmupAndExponential() =>
        Check("chained_warmup_exponential", new ChainedSchedule(0.1, [new LinearSchedule(1, 0.25, 1.0, 40), new ExponentialSchedule(1, 0.995)]));

    [Test]
    public void Chained_MultiplicativeAndMultiStep() =>
        Check("chained_multiplicative_multistep",
            new ChainedSchedule(0.1, [new MultiplicativeSchedule(1, _ => 0.999), new MultiStepSchedule(1, [50, 120], 0.3)]));

    [Test]
    public void Chained_MultipliesWhereTwoSchedulersWouldOverwrite()
    {
        var group = new ParameterGroup([]) { LearningRate = 0.1 };
        var exponential = new ExponentialSchedule(0.1, 0.9);
        var step = new StepSchedule(0.1, 2, 0.5);
        _ = new Scheduler([group], exponential);
        var second = new Scheduler([group], step);
        second.Step(); second.Step();
        Assert.That(group.LearningRate, Is.EqualTo(0.05), "two schedulers: the last one written wins");
        var chained = new ChainedSchedule(1.0, [exponential, step]);
        Assert.That(chained.At(2), Is.EqualTo(0.1 * 0.81 * 0.1 * 0.5).Within(1e-15));
    }

    [Test]
    public void Cyclic_ScaleFunctionOfCycle() =>
        Check("cyclic_scale_fn_cycle", new CyclicSchedule(0.01, 0.1, c => 1.0 / (1.0 + 0.5 * (c - 1)), CyclicScaleMode.Cycle, stepSizeUp: 15, stepSizeDown: 25));

    [Test]
    public void Cyclic_ScaleFunctionOfIterations() =>
        Check("cyclic_scale_fn_iterations", new CyclicSchedule(0.01, 0.1, t => Math.Exp(-t / 150.0), CyclicScaleMode.Iterations, stepSizeUp: 20));

    [Test]
    public void Cyclic_BuiltInModes_AreTheirScaleFunctions()
    {
        var builtIn = new CyclicSchedule(0.01, 0.1, stepSizeUp: 7, mode: CyclicMode.Triangular2);
        var custom = new CyclicSchedule(0.01, 0.1, c => 1 / Math.Pow(2.0, c - 1), CyclicScaleMode.Cycle, stepSizeUp: 7);
        var expRange = new CyclicSchedule(0.01, 0.1, stepSizeUp: 7, mode: CyclicMode.ExpRange, gamma: 0.99);
        var customExp = new CyclicSchedule(0.01, 0.1, t => Math.Pow(0.99, t), CyclicScaleMode.Iterations, stepSizeUp: 7);
        for (long t = 0; t < 60; t++)
        {
            Assert.That(custom.At(t), Is.EqualTo(builtIn.At(t)), $"triangular2 t={t}");
            Assert.That(customExp.At(t), Is.EqualTo(expRange.At(t)), $"exp_range t={t}");
        }
        Assert.That(builtIn.ScaleMode, Is.EqualTo(CyclicScaleMode.Cycle));
        Assert.That(expRange.ScaleMode, Is.EqualTo(CyclicScaleMode.Iterations));
        Assert.That(custom.Mode, Is.EqualTo(CyclicMode.Custom));
    }

    [Test]
    public void BadArguments_AreRejectedByName()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new ChainedSchedule(1, []))!.ParamName, Is.EqualTo("factors"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ChainedSchedule(1, [null!]))!.Message, Does.Contain("factors[0]"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new MultiplicativeSchedule(double.NaN, _ => 1))!.ParamName, Is.EqualTo("baseValue"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new CyclicSchedule(0.1, 1, mode: CyclicMode.Custom))!.Message, Does.Contain("scaleFunction"));
        Assert.Throws<ArgumentNullException>(() => new CyclicSchedule(0.1, 1, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiplicativeSchedule(1, _ => 1).At(-1));
    }
}
