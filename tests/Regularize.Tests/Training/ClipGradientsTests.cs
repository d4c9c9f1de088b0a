using Regularize.Data;
using Regularize.Optimizers;
using Regularize.Training;

namespace Regularize.Tests.Training;

public class ClipGradientsTests
{
    private sealed class GradientProbe : TrainerCallback
    {
        public List<double> Norms { get; } = [];
        public List<float> MaxAbs { get; } = [];

        public override void OnAfterBackward(TrainingStep step)
        {
            double sum = 0;
            float max = 0;
            foreach (var p in step.Trainer.Parameters)
            {
                foreach (float g in p.Grad!.Span)
                {
                    sum += (double)g * g;
                    max = Math.Max(max, Math.Abs(g));
                }
            }
            Norms.Add(Math.Sqrt(sum));
            MaxAbs.Add(max);
        }
    }

    [Test]
    public void ClippingByNormRunsBetweenBackwardAndTheStep()
    {
        var (_, trainer) = TrainingRig.SgdTrainer(lr: 0.5);
        var clip = ClipGradients.ByGlobalNorm(0.05);
        var probe = new GradientProbe();
        trainer.Callbacks.Add(clip);
        trainer.Callbacks.Add(probe);
        trainer.Fit(new DataLoader(TrainingRig.Data(32, 1), 8, seed: 2), null, 1);
        Assert.That(clip.LastNorm, Is.GreaterThan(0.05), "the raw gradients were larger than the limit");
        Assert.That(probe.Norms, Has.All.LessThanOrEqualTo(0.05 + 1e-6), "the optimizer saw clipped gradients");
    }

    [Test]
    public void ClippingByValueBoundsEveryElement()
    {
        var (_, trainer) = TrainingRig.SgdTrainer(lr: 0.5);
        var probe = new GradientProbe();
        trainer.Callbacks.Add(ClipGradients.ByValue(0.01));
        trainer.Callbacks.Add(probe);
        trainer.Fit(new DataLoader(TrainingRig.Data(32, 1), 8, seed: 2), null, 1);
        Assert.That(probe.MaxAbs, Has.All.LessThanOrEqualTo(0.01f));
        Assert.That(probe.MaxAbs, Has.Some.EqualTo(0.01f), "some elements were clipped");
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipGradients.ByGlobalNorm(0));
    }

    [Test]
    public void WithAccumulationTheGroupsGradientIsClippedOnce()
    {
        var model = TrainingRig.Mlp();
        var trainer = new Trainer(model, new Sgd(model.Parameters(), 0.1));
        var clip = ClipGradients.ByGlobalNorm(1e-3);
        int clipped = 0;
        trainer.Callbacks.Add(new GradientAccumulation(2));
        trainer.Callbacks.Add(clip);
        trainer.Callbacks.Add(new CountClipped(clip, () => clipped++));
        trainer.Fit(new DataLoader(TrainingRig.Data(32, 1), 4, seed: 2), null, 1);
        Assert.That(clipped, Is.EqualTo(4), "8 micro-batches, 4 steps");
    }

    private sealed class CountClipped(ClipGradients clip, Action count) : TrainerCallback
    {
        private double _last = double.NaN;

        public override void OnAfterBackward(TrainingStep step)
        {
            if (!double.IsNaN(clip.LastNorm) && !clip.LastNorm.Equals(_last)) count();
            _last = clip.LastNorm;
        }
    }
}
