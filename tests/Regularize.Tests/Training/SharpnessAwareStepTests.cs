using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class SharpnessAwareStepTests
{
    [Test]
    public void TheTrainerTakesTheSameSamStepsAsAManualLoop([Values(false, true)] bool adaptive)
    {
        var model = TrainingRig.Mlp(3);
        var optimizer = new AdamW(GroupBuilder.SplitByDecay(model.Parameters(), 0.1), learningRate: 0.05);
        var trainer = new Trainer(model, optimizer);
        trainer.Callbacks.Add(new SharpnessAwareStep(new Sam(optimizer, rho: 0.2, adaptive: adaptive)));
        trainer.Fit(new DataLoader(TrainingRig.Data(24, 5), 8, shuffle: false), null, 2);

        var manual = TrainingRig.Mlp(3);
        var sam = new Sam(new AdamW(GroupBuilder.SplitByDecay(manual.Parameters(), 0.1), learningRate: 0.05), rho: 0.2, adaptive: adaptive);
        var loader = new DataLoader(TrainingRig.Data(24, 5), 8, shuffle: false);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            foreach (Batch batch in loader)
            {
                sam.Step(() =>
                {
                    var loss = Losses.CrossEntropy(manual.Forward(batch.Inputs), batch.Labels);
                    loss.Backward();
                    return loss.Item();
                });
            }
        }

        var plain = TrainingRig.Mlp(3);
        new Trainer(plain, new AdamW(GroupBuilder.SplitByDecay(plain.Parameters(), 0.1), learningRate: 0.05))
            .Fit(new DataLoader(TrainingRig.Data(24, 5), 8, shuffle: false), null, 2);

        var a = TrainingRig.Weights(model);
        var b = TrainingRig.Weights(manual);
        for (int k = 0; k < a.Length; k++) Assert.That(a[k], Is.EqualTo(b[k]), $"parameter {k}");
        Assert.That(a[0], Is.Not.EqualTo(TrainingRig.Weights(plain)[0]), "SAM changed the trajectory");
    }

    [Test]
    public void ItRefusesAnotherOptimizerAndAccumulation()
    {
        var model = TrainingRig.Mlp(1);
        var optimizer = new Sgd(model.Parameters(), 0.1);
        var other = new Trainer(model, new Sgd(model.Parameters(), 0.1));
        other.Callbacks.Add(new SharpnessAwareStep(new Sam(optimizer)));
        Assert.That(() => other.Fit(new DataLoader(TrainingRig.Data(8, 1), 4), null, 1),
            Throws.InvalidOperationException.With.Message.Contains("Sam.BaseOptimizer"));

        var trainer = new Trainer(model, optimizer);
        trainer.Callbacks.Add(new GradientAccumulation(2));
        trainer.Callbacks.Add(new SharpnessAwareStep(new Sam(optimizer)));
        Assert.That(() => trainer.Fit(new DataLoader(TrainingRig.Data(8, 1), 2), null, 1),
            Throws.InvalidOperationException.With.Message.Contains("gradient accumulation"));
    }
}
