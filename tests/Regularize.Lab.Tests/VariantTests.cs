using Regularize.Lab.Experiments;

namespace Regularize.Lab.Tests;

/// <summary>The variant catalog keeps the names and defaults the lab had before it became a list.</summary>
public class VariantTests
{
    [TestCase("sgd-l2", 0.05, 5e-3, "Coupled")]
    [TestCase("sgdw", 0.05, 5e-3, "Decoupled")]
    [TestCase("adam-l2", 1e-3, 5e-3, "Coupled")]
    [TestCase("adamw", 1e-3, 5e-3, "Decoupled")]
    [TestCase("sgd-l1", 0.05, 2e-3, "L1")]
    [TestCase("adam-l1", 1e-3, 0.2, "L1")]
    [TestCase("adamw-layers", 1e-3, 0.1, "Decoupled")]
    public void TodaysVariantsKeepTheirDefaults(string name, double lr, double lambda, string decay)
    {
        var v = Variant.Find(name);
        Assert.That((v.LearningRate, v.WeightDecay, v.Decay), Is.EqualTo((lr, lambda, Enum.Parse<VariantDecay>(decay))));
    }

    [Test]
    public void DefaultSetAndSweepGridsAreUnchanged()
    {
        Assert.That(Variant.DefaultNames, Is.EqualTo(new[] { "sgd-l2", "sgdw", "adam-l2", "adamw" }));
        Assert.That(Variant.Find("adamw").DefaultSweepLearningRates, Is.EqualTo(new[] { 3e-4, 1e-3, 3e-3, 1e-2 }), "exact doubles, as the literals before");
        Assert.That(Variant.Find("sgdw").DefaultSweepLearningRates, Is.EqualTo(new[] { 0.01, 0.03, 0.1, 0.3 }));
        Assert.That(Variant.Find("lion").DefaultSweepLearningRates, Is.EqualTo(new[] { 3e-5, 1e-4, 3e-4, 1e-3 }));
    }

    [Test]
    public void TheScheduleFreeVariantWarmsUpThenKeepsThePeak()
    {
        var v = Variant.Find("schedule-free-adamw");
        Assert.That((v.ScheduleFree, v.Decay), Is.EqualTo((true, VariantDecay.InRule)));
        var schedule = v.Schedule(2.5e-3, 1000);   // warm-up: 5% of 1000 steps
        Assert.That(schedule.At(0), Is.EqualTo(Variant.StartFactor * 2.5e-3).Within(1e-18));
        Assert.That(schedule.At(25), Is.GreaterThan(schedule.At(0)).And.LessThan(2.5e-3));
        Assert.That(new[] { schedule.At(50), schedule.At(500), schedule.At(999) }, Is.All.EqualTo(2.5e-3), "no annealing after the warm-up");
        Assert.That(Variant.Find("adamw").Schedule(2.5e-3, 1000).At(999), Is.LessThan(1e-4), "the others still anneal");

        var model = new Regularize.Nn.Linear(3, 2, seed: 1);
        var setup = v.Create(model.Parameters(), 2.5e-3, 5e-3, 1000, threads: 1);
        Assert.That(setup.Optimizer, Is.InstanceOf<Regularize.Optimizers.ScheduleFreeAdamW>());
        Assert.That(setup.Description, Does.Contain("warm-up, then constant"));
    }
}

/// <summary>A lab trial with the schedule-free variant reports and hands over the evaluation weights x.</summary>
public class ScheduleFreeTrialTests : SyntheticDataFixture
{
    [Test]
    public void TheTrialReportsAndExportsTheEvaluationWeights()
    {
        var (train, test) = LabData.Load(DataPath);
        var config = new TrainingConfig(DataPath, Epochs: 2, BatchSize: 16, Hidden: [8], Seed: 1);
        var spec = new TrialSpec(Variant.Find("schedule-free-adamw"), 2.5e-3, 5e-3);
        Regularize.Training.Trainer? trainer = null;
        Regularize.Nn.Sequential? model = null;
        var result = Trial.Run(spec, config, train, test, threads: 1, observe: t => trainer = t, trained: m => model = m);

        var atX = Regularize.Training.Evaluator.Evaluate(model!, test);
        Assert.That(result.History[^1].TestLoss, Is.EqualTo(atX.Loss), "the trial's test loss is that of the model it hands over");
        var optimizer = (Regularize.Optimizers.ScheduleFreeAdamW)trainer!.Optimizer!;
        Assert.That(optimizer.UsesEvaluationWeights, Is.True);
        optimizer.UseTrainingWeights();
        Assert.That(Regularize.Training.Evaluator.Evaluate(model!, test).Loss, Is.Not.EqualTo(atX.Loss), "y evaluates differently");
    }
}
