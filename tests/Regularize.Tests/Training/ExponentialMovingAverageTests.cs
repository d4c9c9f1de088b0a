using Regularize.Data;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class ExponentialMovingAverageTests
{
    [Test]
    public void TheWarmUpFollowsTimmsFormula()
    {
        var ema = new ExponentialMovingAverage(TrainingRig.Mlp(), decay: 0.999);
        Assert.That(ema.DecayAt(1), Is.EqualTo(1 - Math.Pow(2, -2.0 / 3)).Within(1e-15));
        Assert.That(ema.DecayAt(100), Is.EqualTo(1 - Math.Pow(101, -2.0 / 3)).Within(1e-15));
        Assert.That(ema.DecayAt(1_000_000), Is.EqualTo(0.999), "capped at β");
        var flat = new ExponentialMovingAverage(TrainingRig.Mlp(), decay: 0.9, warmup: false);
        Assert.That(flat.DecayAt(1), Is.EqualTo(0.9));
        var floor = new ExponentialMovingAverage(TrainingRig.Mlp(), decay: 0.9, minDecay: 0.5);
        Assert.That(floor.DecayAt(1), Is.EqualTo(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ExponentialMovingAverage(TrainingRig.Mlp(), decay: 1.5));
    }

    [Test]
    public void TheAverageFollowsTheReferenceRecursionAndEvaluationUsesIt()
    {
        var (model, trainer) = TrainingRig.SgdTrainer(lr: 0.2);
        var ema = new ExponentialMovingAverage(model, decay: 0.9);
        trainer.Callbacks.Add(ema);
        // Reference: θ̄₀ = θ at the start; θ̄_t = β_t·θ̄_{t−1} + (1 − β_t)·θ_t after each step, in double.
        var reference = TrainingRig.Weights(model).Select(w => w.Select(v => (double)v).ToArray()).ToArray();
        var tracker = new Tracker(reference, ema);
        trainer.Callbacks.Insert(0, tracker); // runs before the EMA at each point; it reads θ after the step
        var test = TrainingRig.Data(30, 2);
        var history = trainer.Fit(new DataLoader(TrainingRig.Data(40, 1), 8, seed: 3), test, 3);
        Assert.That(ema.Updates, Is.EqualTo(15));
        for (int i = 0; i < reference.Length; i++)
        {
            for (int j = 0; j < reference[i].Length; j++) Assert.That(ema.Average(i)[j], Is.EqualTo(reference[i][j]).Within(1e-5), $"tensor {i}[{j}]");
        }
        var trained = TrainingRig.Weights(model);
        Assert.That(trained[0], Is.Not.EqualTo(ema.Average(0).ToArray()), "the model keeps its trained weights");
        ema.SwapIn();
        double averagedLoss = trainer.Evaluate(test).Loss;
        ema.SwapBack();
        Assert.That(TrainingRig.Weights(model), Is.EqualTo(trained));
        Assert.That(history[^1].TestLoss, Is.EqualTo(averagedLoss).Within(1e-12), "the epoch's evaluation used the average");
    }

    private sealed class Tracker(double[][] reference, ExponentialMovingAverage ema) : TrainerCallback
    {
        private long _t;

        public override void OnStepEnd(TrainingStep step)
        {
            double beta = ema.DecayAt(++_t);
            var w = TrainingRig.Weights(step.Trainer.Model!);
            for (int i = 0; i < w.Length; i++)
            {
                for (int j = 0; j < w[i].Length; j++) reference[i][j] = beta * reference[i][j] + (1 - beta) * w[i][j];
            }
        }
    }
}
