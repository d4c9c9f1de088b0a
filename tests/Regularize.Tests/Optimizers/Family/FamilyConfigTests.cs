namespace Regularize.Tests.Optimizers.Family;

public class FamilyConfigTests
{
    /// <summary>The generator records torch 1.13's constructor defaults; <see cref="FamilyConfig.Defaults"/> must hold the same values.</summary>
    [Test]
    public void TorchDefaultsMatchTheOnesTheGeneratorRecorded()
    {
        foreach (var optimizer in FamilyConfig.TorchOptimizers)
        {
            var recorded = FamilyFixture.Root.GetProperty("defaults").GetProperty(optimizer);
            var defaults = FamilyConfig.Defaults(optimizer);
            foreach (var option in recorded.EnumerateObject())
                Assert.That(defaults.With(option.Name, option.Value), Is.EqualTo(defaults), $"{optimizer}.{option.Name}");
        }
    }

    [Test]
    public void UnknownOptionsAndOptimizersAreRejectedByName()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("1.0");
        Assert.That(() => FamilyConfig.Defaults("RMSprop").With("nesterov", doc.RootElement),
            Throws.ArgumentException.With.Message.Contains("'nesterov'"));
        Assert.That(() => FamilyConfig.Defaults("Adam"), Throws.ArgumentException.With.Message.Contains("'Adam'"));
    }
}
