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
}
