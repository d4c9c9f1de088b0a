using Regularize.Schedules;

namespace Regularize.Tests.Schedules;

public class NormalizedWeightDecayTests
{
    [Test]
    public void Normalized_IsLambdaNormTimesSqrtOfBatchOverUpdates()
    {
        // CIFAR-10-like: b = 128, B = 50 000, T = 100 epochs, λ_norm = 0.05 → λ = 0.05 · √(128 / 5 000 000).
        double lambda = NormalizedWeightDecay.Normalized(lambdaNorm: 0.05, batchSize: 128, trainingSetSize: 50_000, epochs: 100);
        Assert.That(lambda, Is.EqualTo(0.05 * Math.Sqrt(128.0 / 5_000_000)).Within(1e-18));
        Assert.That(lambda, Is.EqualTo(2.5298221281347037e-4).Within(1e-18));
    }

    [Test]
    public void ToNormalized_IsTheInverse()
    {
        foreach (var (b, n, t) in new[] { (32L, 60_000L, 10.0), (256L, 1_281_167L, 90.0), (1L, 1L, 0.5) })
        {
            double lambda = NormalizedWeightDecay.Normalized(0.025, b, n, t);
            Assert.That(NormalizedWeightDecay.ToNormalized(lambda, b, n, t), Is.EqualTo(0.025).Within(1e-15));
        }
    }

    [Test]
    public void MoreUpdates_SmallerDecay()
    {
        double shortRun = NormalizedWeightDecay.Normalized(0.05, 128, 50_000, 50);
        double longRun = NormalizedWeightDecay.Normalized(0.05, 128, 50_000, 200);
        Assert.That(longRun, Is.EqualTo(shortRun / 2).Within(1e-18), "4× the epochs halves λ");
    }

    [Test]
    public void Validation_NamesArgumentAndValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NormalizedWeightDecay.Normalized(0.05, 0, 50_000, 100));
        Assert.That(e!.ParamName, Is.EqualTo("batchSize"));
        Assert.That(e.Message, Does.Contain("batchSize must be > 0, was 0"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => NormalizedWeightDecay.Normalized(-1, 128, 50_000, 100));
        Assert.That(e!.ParamName, Is.EqualTo("lambdaNorm"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => NormalizedWeightDecay.ToNormalized(0.01, 128, 50_000, 0));
        Assert.That(e!.ParamName, Is.EqualTo("epochs"));
        Assert.That(e.Message, Does.Contain("was 0"));
    }
}
