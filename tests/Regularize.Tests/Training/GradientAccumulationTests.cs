using Regularize.Data;
using Regularize.Optimizers;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class GradientAccumulationTests
{
    // One epoch over `count` examples in index order: with batches of `big` and no accumulation, or with batches of
    // `small` accumulated over `k`. Adam (whose step is not linear in the gradient) makes any gradient difference show.
    private static float[][] Train(int count, int batchSize, int k, out long steps)
    {
        var model = TrainingRig.Mlp(5);
        var trainer = new Trainer(model, new Adam(model.Parameters(), 0.05));
        if (k > 1) trainer.Callbacks.Add(new GradientAccumulation(k));
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(count, 9), batchSize, shuffle: false), null, 1);
        steps = history[^1].Steps;
        return TrainingRig.Weights(model);
    }

    private static void AssertClose(float[][] a, float[][] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < a[i].Length; j++) Assert.That(a[i][j], Is.EqualTo(b[i][j]).Within(2e-6f), $"parameter {i}[{j}]");
        }
    }

    [Test]
    public void FourMicroBatchesOfTwoStepLikeOneBatchOfEight()
    {
        var large = Train(16, 8, 1, out long largeSteps);
        var accumulated = Train(16, 2, 4, out long accumulatedSteps);
        Assert.That(largeSteps, Is.EqualTo(2));
        Assert.That(accumulatedSteps, Is.EqualTo(2), "one optimizer step per group of 4 micro-batches");
        AssertClose(accumulated, large);
        var plain = Train(16, 2, 1, out _);
        Assert.That(plain[0], Is.Not.EqualTo(large[0]), "without accumulation, batches of 2 train differently");
    }

    [Test]
    public void AShortLastBatchIsWeightedByItsSize()
    {
        // 7 examples in batches of 2 (2, 2, 2, 1) accumulated over 4: one step on the mean over all 7.
        var large = Train(7, 7, 1, out _);
        var accumulated = Train(7, 2, 4, out long steps);
        Assert.That(steps, Is.EqualTo(1));
        AssertClose(accumulated, large);
    }

    [Test]
    public void AGroupCutByTheEndOfTheEpochStillSteps()
    {
        // 10 examples in batches of 2 = 5 batches, k = 2: groups (2, 2, 1 batch) → 3 steps.
        var accumulation = new GradientAccumulation(2);
        Assert.That(accumulation.StepsPerEpoch(new DataLoader(TrainingRig.Data(10, 1), 2)), Is.EqualTo(3));
        Train(10, 2, 2, out long steps);
        Assert.That(steps, Is.EqualTo(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GradientAccumulation(0));
    }
}
