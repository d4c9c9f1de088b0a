using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

/// <summary>LAMB against an independent reference in double written from the paper's Algorithm 2, per tensor.</summary>
public class LambTests
{
    private const double Lr = 1e-2, B1 = 0.9, B2 = 0.99, Eps = 1e-6, Lambda = 0.1;

    /// <summary>One LAMB step of one tensor; <paramref name="adapt"/> false gives r = 1.</summary>
    private static void Reference(double[] theta, double[] m, double[] v, float[] g, int t, double lambda, bool adapt)
    {
        var u = new double[theta.Length];
        double thetaNorm = 0, uNorm = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            m[i] = B1 * m[i] + (1 - B1) * g[i];
            v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
            u[i] = m[i] / (1 - Math.Pow(B1, t)) / (Math.Sqrt(v[i] / (1 - Math.Pow(B2, t))) + Eps) + lambda * theta[i];
            thetaNorm += theta[i] * theta[i];
            uNorm += u[i] * u[i];
        }
        double r = adapt && thetaNorm > 0 && uNorm > 0 ? Math.Sqrt(thetaNorm) / Math.Sqrt(uNorm) : 1;
        for (int i = 0; i < theta.Length; i++) theta[i] -= Lr * r * u[i];
    }

    [Test]
    public void FollowsThePaperPerTensorWithBiasesExcluded()
    {
        var w = new Parameter(Tensor.RandomNormal([40, 9], 0f, 1f, seed: 1), "fc.weight");
        var b = new Parameter(Tensor.RandomNormal([9], 0f, 1f, seed: 2), "fc.bias");
        var groups = GroupBuilder.SplitByDecay([w, b]);
        groups[1].Set(Lamb.LayerAdaptation, 0);
        var opt = new Lamb(groups, learningRate: Lr, beta1: B1, beta2: B2, epsilon: Eps, weightDecay: Lambda);
        Parameter[] ps = [w, b];
        double[][] theta = ps.Select(p => p.Value.ToArray().Select(x => (double)x).ToArray()).ToArray();
        double[][] m = ps.Select(p => new double[p.Length]).ToArray(), v = ps.Select(p => new double[p.Length]).ToArray();
        for (int t = 1; t <= 6; t++)
        {
            foreach (var p in ps) p.Grad = Tensor.RandomNormal(p.Shape.ToArray(), 0f, 1f, seed: (ulong)(100 * t + p.Length));
            Reference(theta[0], m[0], v[0], w.Grad!.ToArray(), t, Lambda, adapt: true);
            Reference(theta[1], m[1], v[1], b.Grad!.ToArray(), t, 0, adapt: false);
            opt.Step();
        }
        for (int k = 0; k < 2; k++)
        {
            var actual = ps[k].Value.ToArray();
            for (int i = 0; i < actual.Length; i++)
                Assert.That(actual[i], Is.EqualTo(theta[k][i]).Within(2e-5 * Math.Max(1, Math.Abs(theta[k][i]))), $"{ps[k].Name}[{i}]");
        }
        Assert.That(opt.StateOf(w)!.Step, Is.EqualTo(6));
    }

    [Test]
    public void TrustRatioScalesTheStepToTheWeightNorm()
    {
        // One step from m = v = 0: u = g/(|g| + ε)·… ≈ sign(g) (λ = 0), so ‖Δθ‖ = lr·‖θ‖ exactly up to ε.
        var p = new Parameter(Tensor.RandomNormal([1000], 0f, 3f, seed: 5), "w");
        var before = p.Value.ToArray();
        var opt = new Lamb([p], learningRate: 0.01, weightDecay: 0, epsilon: 1e-12);
        p.Grad = Tensor.RandomNormal([1000], 0f, 1f, seed: 6);
        opt.Step();
        double step = Math.Sqrt(p.Value.ToArray().Zip(before, (a, b) => (double)(a - b) * (a - b)).Sum());
        double norm = Math.Sqrt(before.Sum(x => (double)x * x));
        Assert.That(step, Is.EqualTo(0.01 * norm).Within(1e-4 * norm * 0.01));
    }

    [Test]
    [Category("Kernels")]
    public void ResultsDoNotDependOnThreadsOrWidth()
    {
        int n = 2 * Optimizer.ChunkElements + 5;
        float[] Run(int threads, bool scalar)
        {
            var p = OptimizerFactory.Param("w", n, seed: 7);
            var opt = new Lamb([p], learningRate: 1e-2) { MaxDegreeOfParallelism = threads, ScalarOnly = scalar };
            for (int s = 0; s < 2; s++)
            {
                p.Grad = Tensor.RandomNormal([n], 0f, 1f, seed: (ulong)(200 + s));
                opt.Step();
            }
            return p.Value.ToArray();
        }
        var one = Run(1, false);
        Assert.That(Run(2, false), Is.EqualTo(one));
        Assert.That(Run(3, true), Is.EqualTo(one));
    }
}
