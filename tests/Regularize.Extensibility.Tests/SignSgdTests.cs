using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;

namespace Regularize.Extensibility.Tests;

/// <summary>An optimizer defined outside the package gets groups, decay placement, schedules (also of its own hyperparameter) and state by name.</summary>
public class SignSgdTests
{
    [Test]
    public void FollowsAnIndependentScalarReferenceWithTwoGroupsAndSchedules()
    {
        var w = new Parameter(Tensor.RandomNormal([37], 0f, 1f, seed: 1), "layer.weight");
        var b = new Parameter(Tensor.RandomNormal([5], 0f, 1f, seed: 2), "layer.bias");
        var groups = GroupBuilder.SplitByDecay([w, b], weightDecay: 0.1, isDecayed: p => p == w);
        var opt = new SignSgd(groups, learningRate: 0.05, beta: 0.5);
        var lr = new Scheduler(opt.ParameterGroups, new CosineAnnealing(0.05, tMax: 6));
        var beta = new Scheduler(opt.ParameterGroups, new LinearSchedule(0.5, startFactor: 1, endFactor: 1.6, totalSteps: 6), SignSgd.Beta);

        float[][] theta = [w.Value.ToArray(), b.Value.ToArray()];
        float[][] avg = [new float[37], new float[5]];
        double[] lambda = [0.1, 0];
        for (int t = 0; t < 6; t++)
        {
            w.Grad = Tensor.RandomNormal([37], 0f, 1f, seed: (ulong)(10 + t));
            b.Grad = Tensor.RandomNormal([5], 0f, 1f, seed: (ulong)(20 + t));
            float[][] grads = [w.Grad.ToArray(), b.Grad.ToArray()];
            for (int k = 0; k < 2; k++)
            {
                double rate = opt.ParameterGroups[k].LearningRate, bt = opt.ParameterGroups[k].Get(SignSgd.Beta);
                float factor = (float)(1 - rate * lambda[k]), negLr = (float)-rate, fb = (float)bt, fomb = (float)(1 - bt);
                for (int i = 0; i < theta[k].Length; i++)
                {
                    float th = lambda[k] == 0 ? theta[k][i] : theta[k][i] * factor;
                    avg[k][i] = fb * avg[k][i] + fomb * grads[k][i];
                    theta[k][i] = th + negLr * Math.Sign(avg[k][i]);
                }
            }
            opt.Step();
            lr.Step();
            beta.Step();
        }
        Assert.That(w.Value.ToArray(), Is.EqualTo(theta[0]));
        Assert.That(b.Value.ToArray(), Is.EqualTo(theta[1]));
        Assert.That(opt.StateOf(w)!["b"]!.ToArray(), Is.EqualTo(avg[0]));
        Assert.That(opt.StateOf(w)!.Step, Is.EqualTo(6));
        Assert.That(opt.ParameterGroups[0].Get(SignSgd.Beta), Is.EqualTo(0.8).Within(1e-12), "the schedule drove the optimizer's own hyperparameter");
    }

    [Test]
    public void TrainsAModelAndResumesFromExportedStateToTheSameBits()
    {
        var data = Tensor.RandomNormal([16, 4], 0f, 1f, seed: 3);
        var target = Tensor.RandomNormal([16, 2], 0f, 1f, seed: 4);
        (Module Model, SignSgd Optimizer, Scheduler Lr) Create()
        {
            var model = new Sequential(new Linear(4, 8, seed: 5), new ReLU(), new Linear(8, 2, seed: 6));
            var opt = new SignSgd(GroupBuilder.SplitByDecay(model.Parameters(), weightDecay: 0.05), learningRate: 0.02);
            return (model, opt, new Scheduler(opt.ParameterGroups, new CosineAnnealing(0.02, tMax: 20)));
        }
        void Train((Module Model, SignSgd Optimizer, Scheduler Lr) run, int steps)
        {
            for (int s = 0; s < steps; s++)
            {
                run.Optimizer.ZeroGrad();
                Losses.MeanSquaredError(run.Model.Forward(data), target).Backward();
                run.Optimizer.Step();
                run.Lr.Step();
            }
        }
        float Loss(Module m) => Losses.MeanSquaredError(m.Forward(data), target).ToArray()[0];

        var a = Create();
        float before = Loss(a.Model);
        Train(a, 10);
        var optimizerState = a.Optimizer.ExportState();
        var schedulerState = a.Lr.ExportState();
        Assert.That(optimizerState.Optimizer, Is.EqualTo("SignSgd"));
        Assert.That(optimizerState.Groups[0].Hyperparameters, Contains.Key("signBeta"));
        Assert.That(optimizerState.Parameters["0.weight"].Tensors, Contains.Key("b"));

        var b = Create();
        foreach (var (pa, pb) in a.Model.Parameters().Zip(b.Model.Parameters())) pa.Value.Span.CopyTo(pb.Value.Span);
        b.Optimizer.ImportState(optimizerState);
        b.Lr.ImportState(schedulerState);
        Train(a, 10);
        Train(b, 10);
        Assert.That(b.Model.Parameters().SelectMany(p => p.Value.ToArray()), Is.EqualTo(a.Model.Parameters().SelectMany(p => p.Value.ToArray())));
        Assert.That(Loss(a.Model), Is.LessThan(before));
    }
}
