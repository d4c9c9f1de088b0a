using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Tests.Optimizers;

public class SamTests
{
    private static Parameter[] Model(ulong seed) =>
    [
        new(Tensor.RandomNormal([3, 5], 0f, 0.7f, seed: seed), "fc.weight"),
        new(Tensor.RandomNormal([5], 0f, 0.3f, seed: seed + 1), "fc.bias"),
        new(Tensor.RandomNormal([4, 3], 0f, 1.1f, seed: seed + 2), "out.weight"),
    ];

    /// <summary>A gradient that depends on θ (g = θ³ − 0.5θ + c, elementwise), so a perturbation changes it.</summary>
    private static void SetGradient(Parameter[] ps, int salt)
    {
        for (int k = 0; k < ps.Length; k++)
        {
            var theta = ps[k].Value.Span;
            var g = new float[theta.Length];
            for (int i = 0; i < g.Length; i++) g[i] = theta[i] * theta[i] * theta[i] - 0.5f * theta[i] + 0.01f * ((i * 7 + k * 3 + salt) % 11 - 5);
            ps[k].Grad = Tensor.FromArray(g, ps[k].Shape.ToArray());
        }
    }

    private static float[][] Values(Parameter[] ps) => ps.Select(p => p.Value.Span.ToArray()).ToArray();

    private static void AssertBitsEqual(Parameter[] a, Parameter[] b)
    {
        for (int k = 0; k < a.Length; k++)
        {
            var x = a[k].Value.Span.ToArray();
            var y = b[k].Value.Span.ToArray();
            for (int i = 0; i < x.Length; i++)
                Assert.That(BitConverter.SingleToInt32Bits(x[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(y[i])), $"{a[k].Name}[{i}]: {x[i]} vs {y[i]}");
        }
    }

    private static Optimizer Base(string name, Parameter[] ps, double weightDecay = 0.05) => name switch
    {
        "Sgd" => new Sgd(GroupBuilder.SplitByDecay(ps, weightDecay), learningRate: 0.1, momentum: 0.9, nesterov: true),
        _ => new AdamW(GroupBuilder.SplitByDecay(ps, weightDecay), learningRate: 0.01),
    };

    [Test]
    public void SamPerturbationIsTheEquationInDouble()
    {
        var ps = Model(1);
        SetGradient(ps, 0);
        var theta0 = Values(ps);
        var sam = new Sam(new Sgd(ps, learningRate: 0.1, weightDecay: 0.3), rho: 0.07);
        double sum = 0;
        foreach (var p in ps) foreach (float g in p.Grad!.Span) sum += (double)g * g;
        double norm = Math.Sqrt(sum);

        sam.FirstStep();

        Assert.That(sam.LastGradientNorm, Is.EqualTo(norm).Within(1e-12).Percent);
        for (int k = 0; k < ps.Length; k++)
        {
            var g = ps[k].Grad!.Span.ToArray();
            var theta = ps[k].Value.Span.ToArray();
            for (int i = 0; i < g.Length; i++)
            {
                double expected = theta0[k][i] + 0.07 * g[i] / norm;
                Assert.That(theta[i], Is.EqualTo(expected).Within(1e-6), $"{ps[k].Name}[{i}]");
            }
        }
        // ‖ε̂‖ = ρ.
        double eps2 = 0;
        for (int k = 0; k < ps.Length; k++) for (int i = 0; i < theta0[k].Length; i++) eps2 += Math.Pow(ps[k].Value.Span[i] - (double)theta0[k][i], 2);
        Assert.That(Math.Sqrt(eps2), Is.EqualTo(0.07).Within(1e-5));
    }

    [Test]
    public void AsamPerturbationIsTheEquationInDouble()
    {
        var ps = Model(2);
        SetGradient(ps, 1);
        var theta0 = Values(ps);
        var sam = new Sam(new Sgd(ps, learningRate: 0.1), adaptive: true);
        Assert.That(sam.Rho, Is.EqualTo(0.5));
        Assert.That(sam.Eta, Is.EqualTo(0.01));
        // T = |θ| + η for the weights, 1 for the bias (the default rule).
        double T(int k, int i) => ps[k].Name.EndsWith("weight", StringComparison.Ordinal) ? Math.Abs((double)theta0[k][i]) + 0.01 : 1.0;
        double sum = 0;
        for (int k = 0; k < ps.Length; k++)
        {
            var g = ps[k].Grad!.Span;
            for (int i = 0; i < g.Length; i++) sum += Math.Pow(T(k, i) * g[i], 2);
        }
        double norm = Math.Sqrt(sum);

        sam.FirstStep();

        Assert.That(sam.LastGradientNorm, Is.EqualTo(norm).Within(1e-12).Percent);
        for (int k = 0; k < ps.Length; k++)
        {
            var g = ps[k].Grad!.Span.ToArray();
            var theta = ps[k].Value.Span.ToArray();
            for (int i = 0; i < g.Length; i++)
            {
                double expected = theta0[k][i] + 0.5 * T(k, i) * T(k, i) * g[i] / norm;
                Assert.That(theta[i], Is.EqualTo(expected).Within(2e-6), $"{ps[k].Name}[{i}]");
            }
        }
        // ‖T⁻¹ε̂‖ = ρ: the adaptive ball.
        double scaled = 0;
        for (int k = 0; k < ps.Length; k++) for (int i = 0; i < theta0[k].Length; i++) scaled += Math.Pow((ps[k].Value.Span[i] - (double)theta0[k][i]) / T(k, i), 2);
        Assert.That(Math.Sqrt(scaled), Is.EqualTo(0.5).Within(1e-4));
    }

    [Test]
    public void RhoZeroIsTheBaseOptimizerBitForBit([Values("Sgd", "AdamW")] string optimizer)
    {
        var a = Model(3);
        var b = Model(3);
        var sam = new Sam(Base(optimizer, a), rho: 0);
        var plain = Base(optimizer, b);
        for (int step = 0; step < 6; step++)
        {
            sam.Step(() => { SetGradient(a, step); return 0f; });
            SetGradient(b, step);
            plain.Step();
            plain.ZeroGrad();
        }
        AssertBitsEqual(a, b);
    }

    [Test]
    public void SecondStepIsTheBaseStepAtThetaWithThePerturbedGradient([Values("Sgd", "AdamW")] string optimizer, [Values(false, true)] bool adaptive)
    {
        var a = Model(4);
        var b = Model(4);
        var sam = new Sam(Base(optimizer, a), rho: 0.2, adaptive: adaptive);
        var plain = Base(optimizer, b);
        for (int step = 0; step < 5; step++)
        {
            SetGradient(a, step);
            sam.FirstStep();
            Assert.That(sam.IsPerturbed, Is.True);
            SetGradient(a, step + 100); // g' at θ + ε̂
            for (int k = 0; k < a.Length; k++) b[k].Grad = Tensor.FromArray(a[k].Grad!.Span.ToArray(), a[k].Shape.ToArray());
            sam.SecondStep();
            plain.Step();
            AssertBitsEqual(a, b);
        }
        // And the perturbation really moved the gradient: a step with g(θ) would differ.
        var c = Model(4);
        var unperturbed = Base(optimizer, c);
        for (int step = 0; step < 5; step++)
        {
            SetGradient(c, step + 100);
            unperturbed.Step();
        }
        Assert.That(c[0].Value.Span.ToArray(), Is.Not.EqualTo(a[0].Value.Span.ToArray()));
    }

    [Test]
    public void StepWithClosureIsFirstStepThenSecondStep()
    {
        var a = Model(5);
        var b = Model(5);
        var samA = new Sam(Base("AdamW", a), rho: 0.1);
        var samB = new Sam(Base("AdamW", b), rho: 0.1);
        int calls = 0;
        for (int step = 0; step < 4; step++)
        {
            samA.Step(() => { calls++; SetGradient(a, 0); return 1f; });
            samB.ZeroGrad();
            SetGradient(b, 0);
            samB.FirstStep();
            samB.ZeroGrad();
            SetGradient(b, 0);
            samB.SecondStep();
        }
        Assert.That(calls, Is.EqualTo(8));
        AssertBitsEqual(a, b);
    }

    [Test]
    public void WeightDecayIsNotInThePerturbation([Values("Sgd", "AdamW")] string optimizer)
    {
        var a = Model(6);
        var b = Model(6);
        var samA = new Sam(Base(optimizer, a, weightDecay: 0), rho: 0.3);
        var samB = new Sam(Base(optimizer, b, weightDecay: 0.5), rho: 0.3);
        SetGradient(a, 0);
        SetGradient(b, 0);
        samA.FirstStep();
        samB.FirstStep();
        AssertBitsEqual(a, b); // θ + ε̂ is the same whatever λ
        SetGradient(a, 1);
        SetGradient(b, 1);
        samA.SecondStep();
        samB.SecondStep();
        // λ acts in the base step: the decayed weights now differ.
        Assert.That(a[0].Value.Span.ToArray(), Is.Not.EqualTo(b[0].Value.Span.ToArray()));
    }

    [Test]
    public void AMaximizingGroupIsPerturbedDownhill()
    {
        var ps = Model(14);
        SetGradient(ps, 0);
        var theta0 = Values(ps);
        var groups = new[] { new ParameterGroup(ps[..1]) { Maximize = true }, new ParameterGroup(ps[1..]) };
        var sam = new Sam(new Sgd(groups, learningRate: 0.1), rho: 0.1);
        sam.FirstStep();
        double norm = sam.LastGradientNorm;
        for (int k = 0; k < ps.Length; k++)
        {
            double sign = k == 0 ? -1 : 1;
            for (int i = 0; i < theta0[k].Length; i++)
                Assert.That(ps[k].Value.Span[i], Is.EqualTo(theta0[k][i] + sign * 0.1 * ps[k].Grad!.Span[i] / norm).Within(1e-6), $"{ps[k].Name}[{i}]");
        }
    }

    [Test]
    public void AZeroGradientGivesNoPerturbation()
    {
        var ps = Model(7);
        foreach (var p in ps) p.Grad = Tensor.Zeros(p.Shape.ToArray());
        var theta0 = Values(ps);
        var sam = new Sam(new Sgd(ps, learningRate: 0.1), adaptive: true);
        sam.FirstStep();
        Assert.That(sam.LastGradientNorm, Is.Zero);
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));
        sam.SecondStep();
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));
    }

    [Test]
    public void ANonFiniteGradientAtThetaIsNeverHalfApplied()
    {
        var ps = Model(8);
        SetGradient(ps, 0);
        ps[2].Grad!.Span[3] = float.NaN;
        var theta0 = Values(ps);
        var opt = new AdamW(ps);
        var sam = new Sam(opt);

        Assert.That(() => sam.FirstStep(), Throws.InstanceOf<NonFiniteGradientException>().With.Message.Contains("'out.weight'"));
        Assert.That(sam.IsPerturbed, Is.False);
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));

        opt.NonFiniteGradient = NonFiniteGradient.Skip;
        sam.FirstStep();
        Assert.That(sam.LastStepSkipped, Is.True);
        SetGradient(ps, 1); // a finite g' must not be applied either
        sam.SecondStep();
        Assert.That(sam.LastStepSkipped, Is.True);
        Assert.That(sam.SkippedSteps, Is.EqualTo(1));
        Assert.That(opt.StateOf(ps[0]), Is.Null);
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));
    }

    [Test]
    public void ANonFiniteGradientAtThePerturbedPointRestoresTheta()
    {
        var ps = Model(9);
        var theta0 = Values(ps);
        var opt = new Sgd(ps, learningRate: 0.1);
        var sam = new Sam(opt);
        SetGradient(ps, 0);
        sam.FirstStep();
        ps[1].Grad!.Span[0] = float.PositiveInfinity;
        Assert.That(() => sam.SecondStep(), Throws.InstanceOf<NonFiniteGradientException>().With.Message.Contains("'fc.bias'"));
        Assert.That(sam.IsPerturbed, Is.False);
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));

        opt.NonFiniteGradient = NonFiniteGradient.Skip;
        SetGradient(ps, 0);
        sam.FirstStep();
        ps[1].Grad!.Span[0] = float.NaN;
        sam.SecondStep();
        Assert.That(sam.LastStepSkipped, Is.True);
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));
    }

    [Test]
    public void AFailingSecondPassRestoresTheta()
    {
        var ps = Model(10);
        var theta0 = Values(ps);
        var sam = new Sam(new Sgd(ps, learningRate: 0.1));
        int calls = 0;
        Assert.That(() => sam.Step(() =>
        {
            if (++calls == 2) throw new InvalidOperationException("boom");
            SetGradient(ps, 0);
            return 0f;
        }), Throws.InvalidOperationException.With.Message.EqualTo("boom"));
        Assert.That(sam.IsPerturbed, Is.False);
        for (int k = 0; k < ps.Length; k++) Assert.That(ps[k].Value.Span.ToArray(), Is.EqualTo(theta0[k]));
    }

    [Test]
    public void TheProtocolIsChecked()
    {
        var ps = Model(11);
        var opt = new Sgd(ps, learningRate: 0.1);
        Assert.That(() => new Sam(opt, rho: -0.1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("rho must be finite and >= 0, was -0.1"));
        Assert.That(() => new Sam(opt, eta: double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.StartsWith("eta must be finite and >= 0, was NaN"));
        var sam = new Sam(opt);
        Assert.That(sam.Rho, Is.EqualTo(0.05));
        Assert.That(() => sam.SecondStep(), Throws.InvalidOperationException.With.Message.Contains("needs a FirstStep"));
        SetGradient(ps, 0);
        sam.FirstStep();
        Assert.That(() => sam.FirstStep(), Throws.InvalidOperationException.With.Message.Contains("FirstStep was called twice"));
        Assert.That(() => sam.Step(() => 0f), Throws.InvalidOperationException);
        sam.SecondStep();
    }

    [Test]
    public void TheResultDoesNotDependOnTheThreadCount()
    {
        Parameter[] Big() => [new(Tensor.RandomNormal([Optimizer.ChunkElements + 37], 0f, 0.5f, seed: 12), "big.weight"), .. Model(12)];
        var a = Big();
        var b = Big();
        var samA = new Sam(Base("AdamW", a), adaptive: true) { BaseOptimizer = { MaxDegreeOfParallelism = 1 } };
        var samB = new Sam(Base("AdamW", b), adaptive: true) { BaseOptimizer = { MaxDegreeOfParallelism = 2 } };
        for (int step = 0; step < 3; step++)
        {
            samA.Step(() => { SetGradient(a, step); return 0f; });
            samB.Step(() => { SetGradient(b, step); return 0f; });
        }
        AssertBitsEqual(a, b);
    }

    [Test]
    public void SteadyStateStepAllocatesNothing([Values(false, true)] bool adaptive)
    {
        var ps = Model(13);
        var grads = ps.Select(p => Tensor.RandomNormal(p.Shape.ToArray(), 0f, 0.1f, seed: 3)).ToArray();
        for (int k = 0; k < ps.Length; k++) ps[k].Grad = grads[k];
        var sam = new Sam(new Sgd(ps, learningRate: 1e-3, momentum: 0.9, weightDecay: 1e-4), adaptive: adaptive) { BaseOptimizer = { MaxDegreeOfParallelism = 1 } };
        for (int i = 0; i < 5; i++)
        {
            sam.FirstStep();
            sam.SecondStep();
        }
        long allocated = long.MaxValue;
        for (int round = 0; round < 5 && allocated > 0; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 50; i++)
            {
                sam.FirstStep();
                sam.SecondStep();
            }
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.That(allocated, Is.LessThan(1024), $"{allocated} bytes over 50 steps");
    }

    // L(u, v) = ½(1 + u²)v²: every point with v = 0 is a minimum (L = 0), and the Hessian there is diag(0, 1 + u²),
    // so its trace h(u) = 1 + u² says how sharp that minimum is: sharp at u = 2 (h = 5), flattest at u = 0 (h = 1).
    // Gradient descent from (2, 1) falls straight into the valley near where it started; SAM's gradient at
    // θ + ε̂ has ∂L/∂u ≈ ½h'(u)ρ², so it also walks along the valley to the flat end.
    private static double Loss(double u, double v) => 0.5 * (1 + u * u) * v * v;

    private static (double U, double V) Train(double rho)
    {
        var u = new Parameter(Tensor.FromArray([2f], 1), "u");
        var v = new Parameter(Tensor.FromArray([1f], 1), "v");
        var sam = new Sam(new Sgd([u, v], learningRate: 0.05), rho: rho);
        for (int step = 0; step < 2000; step++)
        {
            sam.Step(() =>
            {
                double a = u.Value.Span[0], b = v.Value.Span[0];
                u.Grad ??= Tensor.Zeros(1);
                v.Grad ??= Tensor.Zeros(1);
                u.Grad.Span[0] += (float)(a * b * b);
                v.Grad.Span[0] += (float)((1 + a * a) * b);
                return (float)Loss(a, b);
            });
        }
        return (u.Value.Span[0], v.Value.Span[0]);
    }

    [Test]
    public void SamChoosesTheFlatterMinimum()
    {
        const double rho = 0.3;
        var plain = Train(rho: 0);
        var sharpnessAware = Train(rho);
        // Both end in the valley of minima ...
        Assert.That(Loss(plain.U, plain.V), Is.LessThan(1e-4));
        Assert.That(Loss(sharpnessAware.U, sharpnessAware.V), Is.LessThan(1e-4));
        // ... but at different sharpness: the Hessian trace 1 + u² at each end point,
        double Trace((double U, double V) p) => 1 + p.U * p.U + p.V * p.V;
        Assert.That(Trace(plain), Is.GreaterThan(4));
        Assert.That(Trace(sharpnessAware), Is.LessThan(1.05));
        // and the worst loss within the ρ-ball (the SAM objective), sampled on the circle of radius ρ.
        double Worst((double U, double V) p) =>
            Enumerable.Range(0, 360).Max(k => Loss(p.U + rho * Math.Cos(k * Math.PI / 180), p.V + rho * Math.Sin(k * Math.PI / 180)));
        Assert.That(Worst(sharpnessAware), Is.LessThan(0.5 * Worst(plain)));
    }
}
