using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

/// <summary>Lion against an independent reference in double written from the paper's Algorithm 2.</summary>
public class LionTests
{
    [Test]
    public void FollowsThePaperWithDecoupledDecayInTwoGroups()
    {
        var w = new Parameter(Tensor.RandomNormal([301], 0f, 1f, seed: 1), "fc.weight");
        var b = new Parameter(Tensor.RandomNormal([7], 0f, 1f, seed: 2), "fc.bias");
        var opt = new Lion(GroupBuilder.SplitByDecay([w, b], weightDecay: 0.5, isDecayed: p => p == w), learningRate: 1e-2, beta1: 0.8, beta2: 0.95);
        double[][] theta = [w.Value.ToArray().Select(x => (double)x).ToArray(), b.Value.ToArray().Select(x => (double)x).ToArray()];
        double[][] m = [new double[301], new double[7]];
        double[] lambda = [0.5, 0];
        for (int t = 0; t < 8; t++)
        {
            w.Grad = Tensor.RandomNormal([301], 0f, 1f, seed: (ulong)(10 + t));
            b.Grad = Tensor.RandomNormal([7], 0f, 1f, seed: (ulong)(30 + t));
            float[][] g = [w.Grad.ToArray(), b.Grad.ToArray()];
            for (int k = 0; k < 2; k++)
            {
                for (int i = 0; i < theta[k].Length; i++)
                {
                    double c = 0.8 * m[k][i] + 0.2 * g[k][i];
                    theta[k][i] -= 1e-2 * (Math.Sign(c) + lambda[k] * theta[k][i]); // θₜ = θₜ₋₁ − lr·(sign(c) + λθₜ₋₁)
                    m[k][i] = 0.95 * m[k][i] + 0.05 * g[k][i];
                }
            }
            opt.Step();
        }
        Close(w.Value.ToArray(), theta[0]);
        Close(b.Value.ToArray(), theta[1]);
        Close(opt.StateOf(w)!["m"]!.ToArray(), m[0]);
    }

    [Test]
    public void EveryElementMovesByExactlyLearningRateWithoutDecay()
    {
        var p = new Parameter(Tensor.Zeros(100), "w");
        var opt = new Lion([p], learningRate: 0.25);
        p.Grad = Tensor.RandomNormal([100], 0f, 1f, seed: 3);
        opt.Step();
        var g = p.Grad.ToArray();
        Assert.That(p.Value.ToArray(), Is.EqualTo(g.Select(x => x > 0 ? -0.25f : 0.25f).ToArray()));
    }

    [Test]
    [Category("Kernels")]
    public void VectorAndScalarFormsGiveTheSameBits()
    {
        float[] Run(bool scalar)
        {
            var p = new Parameter(Tensor.RandomNormal([1003], 0f, 1f, seed: 4), "w");
            var opt = new Lion([p], learningRate: 1e-3, weightDecay: 0.1, decayScaling: DecayScaling.LearningRate) { ScalarOnly = scalar };
            for (int t = 0; t < 3; t++)
            {
                p.Grad = Tensor.RandomNormal([1003], 0f, 1f, seed: (ulong)(40 + t));
                opt.Step();
            }
            return p.Value.ToArray();
        }
        Assert.That(Run(false), Is.EqualTo(Run(true)));
    }

    private static void Close(float[] actual, double[] expected)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-5 * Math.Max(1, Math.Abs(expected[i]))), $"[{i}]");
    }
}
