using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Tests.Data;

public class MixupTests
{
    private static Batch Batch4() => new(Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8], 4, 2), [0, 1, 2, 1], 4, 0, 0);

    [Test]
    public void InputsAndTargetsAreTheSameConvexCombination()
    {
        var mixup = new Mixup(classCount: 3, alpha: 0.4, seed: 9);
        var batch = Batch4();
        var mixed = mixup.Mix(batch);
        double l = mixup.LastLambda;
        var pi = mixup.LastPermutation.ToArray();
        Assert.That(l, Is.InRange(0.0, 1.0));
        Assert.That(pi.OrderBy(i => i), Is.EqualTo(new[] { 0, 1, 2, 3 }), "a permutation");
        Assert.That(mixed.TargetKind, Is.EqualTo(TargetKind.ClassProbabilities));
        Assert.That(mixed.Labels, Is.SameAs(batch.Labels));
        var x = batch.Inputs.ToArray();
        var t = mixed.Targets!.ToArray();
        for (int i = 0; i < 4; i++)
        {
            for (int k = 0; k < 2; k++) Assert.That(mixed.Inputs.Span[i * 2 + k], Is.EqualTo((float)l * x[i * 2 + k] + (float)(1 - l) * x[pi[i] * 2 + k]).Within(1e-6f));
            for (int c = 0; c < 3; c++)
            {
                double expected = (batch.Labels[i] == c ? l : 0) + (batch.Labels[pi[i]] == c ? 1 - l : 0);
                Assert.That(t[i * 3 + c], Is.EqualTo(expected).Within(1e-6));
            }
            Assert.That(t.Skip(i * 3).Take(3).Sum(), Is.EqualTo(1).Within(1e-6), "targets are distributions");
        }
        var again = new Mixup(3, 0.4, seed: 9).Mix(Batch4());
        Assert.That(again.Inputs.ToArray(), Is.EqualTo(mixed.Inputs.ToArray()), "seeded");
    }

    [Test]
    public void LambdaFollowsBetaAlphaAlpha()
    {
        // Beta(α, α) has mean ½ and variance 1/(4(2α + 1)).
        var mixup = new Mixup(3, alpha: 0.5, seed: 1);
        var values = new List<double>();
        for (int i = 0; i < 20_000; i++)
        {
            mixup.Mix(Batch4());
            values.Add(mixup.LastLambda);
        }
        double mean = values.Average(), variance = values.Average(v => (v - mean) * (v - mean));
        Assert.That(mean, Is.EqualTo(0.5).Within(0.01));
        Assert.That(variance, Is.EqualTo(1 / (4 * (2 * 0.5 + 1))).Within(0.005));
    }

    [Test]
    public void BadLabelsAndTargetsAreRejected()
    {
        var batch = new Batch(Tensor.Zeros(2, 2), [0, 5], 2, 0, 0);
        Assert.That(Assert.Throws<ArgumentException>(() => new Mixup(3).Mix(batch))!.Message, Does.Contain("label 1 is 5"));
        var regression = batch with { Labels = [0, 0], Targets = Tensor.Zeros(2, 1), TargetKind = TargetKind.Regression };
        Assert.Throws<ArgumentException>(() => new Mixup(3).Mix(regression));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Mixup(3, alpha: 0));
    }
}
