using System.Text.Json;
using System.Text.Json.Serialization;
using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Tests.Schedules;

/// <summary>
/// ReduceOnPlateau against torch's ReduceLROnPlateau on the metric sequences of generate.py: the groups' values and
/// the internals (best, num_bad_epochs, cooldown_counter) after every metric. The arithmetic is one multiplication
/// and a max per reduction, identical to torch's, so values are compared exactly.
/// </summary>
public class ReduceOnPlateauTests
{
    private static ParameterGroup[] Groups(params double[] lrs) => lrs.Select(lr => new ParameterGroup([]) { LearningRate = lr }).ToArray();

    private static void CheckAgainstTorch(string name, ParameterGroup[] groups, ReduceOnPlateau plateau)
    {
        double[] metrics = TorchReference.Flat(name, "metrics");
        double[] best = TorchReference.Flat(name, "best");
        double[] bad = TorchReference.Flat(name, "num_bad_epochs");
        double[] cooldown = TorchReference.Flat(name, "cooldown_counter");
        var lrs = groups.Select((_, g) => TorchReference.Series(name, "lr", g)).ToArray();
        int reductions = 0;
        for (int t = 0; t < metrics.Length; t++)
        {
            if (plateau.Step(metrics[t])) reductions++;
            for (int g = 0; g < groups.Length; g++)
            {
                Assert.That(groups[g].LearningRate, Is.EqualTo(lrs[g][t]), $"{name}: group {g} after metric {t}");
                Assert.That(plateau.LastValues[g], Is.EqualTo(lrs[g][t]));
            }
            Assert.That(plateau.Best, Is.EqualTo(best[t]), $"{name}: best after metric {t}");
            Assert.That(plateau.NumBadSteps, Is.EqualTo((int)bad[t]), $"{name}: num_bad_epochs after metric {t}");
            Assert.That(plateau.CooldownCounter, Is.EqualTo((int)cooldown[t]), $"{name}: cooldown_counter after metric {t}");
            Assert.That(plateau.LastStep, Is.EqualTo(t + 1));
        }
        Assert.That(reductions, Is.GreaterThan(2), "the sequence should exercise several reductions");
    }

    [Test]
    public void MinMode_RelativeThreshold_Cooldown_MinValue()
    {
        var groups = Groups(0.1);
        CheckAgainstTorch("plateau_min_rel", groups, new ReduceOnPlateau(groups, PlateauMode.Min, factor: 0.5, patience: 3,
            threshold: 1e-2, thresholdMode: ThresholdMode.Relative, cooldown: 2, minValue: 0.004));
        Assert.That(groups[0].LearningRate, Is.EqualTo(0.004), "the floor was reached");
    }

    [Test]
    public void MaxMode_AbsoluteThreshold_PerGroupMinimums()
    {
        var groups = Groups(0.1, 0.02);
        CheckAgainstTorch("plateau_max_abs", groups, new ReduceOnPlateau(groups, minValues: [0.001, 0.0005], mode: PlateauMode.Max,
            factor: 0.3, patience: 2, threshold: 0.005, thresholdMode: ThresholdMode.Absolute, cooldown: 0));
    }

    [Test]
    public void ReductionsSmallerThanEpsAreSkipped()
    {
        var groups = Groups(1e-7);
        CheckAgainstTorch("plateau_eps", groups, new ReduceOnPlateau(groups, factor: 0.5, patience: 1, cooldown: 1, eps: 1e-8));
        Assert.That(groups[0].LearningRate, Is.EqualTo(1.25e-8), "1.25e-8 → 6.25e-9 is a change below eps = 1e-8, so it stays");
    }

    [Test]
    public void FactorMultipliesTheCurrentValue_SetElsewhere()
    {
        var groups = Groups(0.1);
        var plateau = new ReduceOnPlateau(groups, factor: 0.5, patience: 0);
        plateau.Step(1.0);
        groups[0].LearningRate = 0.03; // changed by other code
        plateau.Step(1.0);             // no improvement, patience 0: reduce now
        Assert.That(groups[0].LearningRate, Is.EqualTo(0.015));
    }

    [Test]
    public void DrivesAnyHyperparameter()
    {
        var group = new ParameterGroup([]) { LearningRate = 0.1, WeightDecay = 0.01 };
        var plateau = new ReduceOnPlateau([group], factor: 0.5, patience: 0, hyperparameter: Hyperparameter.WeightDecay);
        plateau.Step(1.0);
        plateau.Step(1.0);
        Assert.That(group.WeightDecay, Is.EqualTo(0.005));
        Assert.That(group.LearningRate, Is.EqualTo(0.1));
    }

    [Test]
    public void ExportImport_ThroughJson_ResumesIdentically()
    {
        double[] metrics = TorchReference.Flat("plateau_min_rel", "metrics");
        ReduceOnPlateau Make(ParameterGroup[] g) => new(g, factor: 0.5, patience: 3, threshold: 1e-2, cooldown: 2, minValue: 0.004);

        var full = Groups(0.1);
        var uninterrupted = Make(full);
        foreach (double m in metrics) uninterrupted.Step(m);

        var first = Groups(0.1);
        var before = Make(first);
        var options = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        string initialJson = JsonSerializer.Serialize(before.ExportState(), options);
        Assert.That(initialJson, Does.Contain("Infinity"), "best is +∞ before any metric");
        for (int t = 0; t < 40; t++) before.Step(metrics[t]);
        string json = JsonSerializer.Serialize(before.ExportState(), options);

        // Resume: the group's value comes from the optimizer's checkpoint, the counters from the scheduler's state.
        var resumed = Groups(first[0].LearningRate);
        var after = Make(resumed);
        after.ImportState(JsonSerializer.Deserialize<ReduceOnPlateauState>(json, options)!);
        Assert.That(after.ExportState(), Is.EqualTo(before.ExportState()));
        for (int t = 40; t < metrics.Length; t++) after.Step(metrics[t]);

        Assert.That(resumed[0].LearningRate, Is.EqualTo(full[0].LearningRate));
        Assert.That(after.ExportState(), Is.EqualTo(uninterrupted.ExportState()));
    }

    [Test]
    public void Validation_NamesArgumentAndValue()
    {
        var groups = Groups(0.1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReduceOnPlateau(groups, factor: 1.0));
        Assert.That(e!.ParamName, Is.EqualTo("factor"));
        Assert.That(e.Message, Does.Contain("factor must be in [0, 1)").And.Contain("was 1"));

        e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReduceOnPlateau(groups, patience: -1));
        Assert.That(e!.ParamName, Is.EqualTo("patience"));
        Assert.That(e.Message, Does.Contain("was -1"));

        e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReduceOnPlateau(groups, threshold: -0.1));
        Assert.That(e!.ParamName, Is.EqualTo("threshold"));

        e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReduceOnPlateau(groups, minValue: double.NaN));
        Assert.That(e!.ParamName, Is.EqualTo("minValue"));

        var a = Assert.Throws<ArgumentException>(() => _ = new ReduceOnPlateau(groups, minValues: [0.1, 0.2]));
        Assert.That(a!.ParamName, Is.EqualTo("minValues"));
        Assert.That(a.Message, Does.Contain("one value per group (1), had 2"));

        a = Assert.Throws<ArgumentException>(() => _ = new ReduceOnPlateau([]));
        Assert.That(a!.ParamName, Is.EqualTo("groups"));
    }
}
