using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

public class LossTests
{
    [Test]
    public void Mean_squared_error_by_hand()
    {
        var p = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        var t = Tensor.FromArray([0, 2, 5, 4], 2, 2);
        Assert.That(Losses.MeanSquaredError(p, t).Item(), Is.EqualTo(5f / 4));
        Assert.That(Losses.MeanSquaredError(p, t, Reduction.Sum).Item(), Is.EqualTo(5f));
        var ex = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(p, Tensor.Zeros(4)));
        Assert.That(ex!.Message, Does.Contain("[2,2]").And.Contain("[4]"));
    }

    [Test]
    public void Cross_entropy_by_hand_with_and_without_label_smoothing()
    {
        float[] row = [1, 2, 0.5f];
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(0.5));
        double[] nlp = row.Select(v => lse - v).ToArray();
        var logits = Tensor.FromArray([.. row, .. row], 2, 3);
        Assert.That(Losses.CrossEntropy(logits, [1, 2]).Item(), Is.EqualTo((nlp[1] + nlp[2]) / 2).Within(1e-6));
        Assert.That(Losses.CrossEntropy(logits, [1, 2], Reduction.Sum).Item(), Is.EqualTo(nlp[1] + nlp[2]).Within(1e-6));
        double eps = 0.1;
        double smoothed = (1 - eps) * nlp[1] + eps * nlp.Average();
        Assert.That(Losses.CrossEntropy(logits.Rows(0, 1), [1], labelSmoothing: eps).Item(), Is.EqualTo(smoothed).Within(1e-6));
    }

    [Test]
    public void Cross_entropy_validates_targets()
    {
        var logits = Tensor.Zeros(3, 4);
        var ex = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 1]));
        Assert.That(ex!.Message, Does.Contain("2 targets for logits [3,4]").And.Contain("(3)"));
        ex = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 4, 1]));
        Assert.That(ex!.Message, Does.Contain("targets[1] = 4").And.Contain("0..3"));
        ex = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, -1, 1]));
        Assert.That(ex!.Message, Does.Contain("targets[1] = -1"));
        ex = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(Tensor.Zeros(4), [0]));
        Assert.That(ex!.Message, Does.Contain("[N, C]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, [0, 1, 2], labelSmoothing: 1.5));
    }

    [Test]
    public void Binary_cross_entropy_with_logits_is_stable_and_exact_at_zero()
    {
        var x = Tensor.FromArray([-100, -2, 0, 3, 100]);
        var y = Tensor.FromArray([1, 0, 0.3f, 1, 0]);
        var terms = new double[5];
        float[] xv = x.ToArray(), yv = y.ToArray();
        for (int i = 0; i < 5; i++)
        {
            // −y·log σ(x) − (1 − y)·log(1 − σ(x)), with log σ(x) = −log(1 + e^(−x)) evaluated safely.
            double logSig = -Math.Log(1 + Math.Exp(-Math.Abs(xv[i]))) + Math.Min(xv[i], 0);
            double logOneMinusSig = logSig - xv[i];
            terms[i] = -yv[i] * logSig - (1 - yv[i]) * logOneMinusSig;
        }
        var loss = Losses.BinaryCrossEntropyWithLogits(x, y, Reduction.Sum);
        Assert.That(loss.Item(), Is.EqualTo(terms.Sum()).Within(1e-4), "100 + 100 from the saturated ends, no overflow");

        x.RequiresGrad = true;
        Losses.BinaryCrossEntropyWithLogits(x, y, Reduction.Sum).Backward();
        var g = x.Grad!.ToArray();
        for (int i = 0; i < 5; i++)
        {
            double sigma = 1 / (1 + Math.Exp(-xv[i]));
            Assert.That(g[i], Is.EqualTo(sigma - yv[i]).Within(1e-6), $"dL/dx = σ(x) − y at x = {xv[i]}");
        }
        Assert.That(g[2], Is.EqualTo(0.5f - 0.3f).Within(1e-7), "at x = 0 exactly");
    }

    [Test]
    public void Binary_cross_entropy_validates_targets()
    {
        var ex = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(Tensor.Zeros(2, 2), Tensor.Zeros(4)));
        Assert.That(ex!.Message, Does.Contain("[2,2]").And.Contain("[4]"));
        ex = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.FromArray([0, 1.5f, 1])));
        Assert.That(ex!.Message, Does.Contain("element 1 is 1.5"));
    }

    [Test]
    public void Penalties_by_hand_and_their_gradients()
    {
        var w = new Parameter(Tensor.FromArray([1, -2, 0, 3], 2, 2), "w");
        var b = new Parameter(Tensor.FromArray([-1, 1]), "b");
        Assert.That(Penalties.L1([w, b], 0.5).Item(), Is.EqualTo(0.5f * 8));
        Assert.That(Penalties.L2([w, b], 0.5).Item(), Is.EqualTo(0.25f * 16));
        Assert.That(Penalties.L1([], 0.5).Item(), Is.EqualTo(0f));

        Penalties.L2([w], 0.5).Backward();
        Assert.That(w.Grad!.ToArray(), Is.EqualTo(new[] { 0.5f, -1f, 0f, 1.5f }), "λ·w");
        w.Grad = null;
        Penalties.L1([w], 0.5).Backward();
        Assert.That(w.Grad!.ToArray(), Is.EqualTo(new[] { 0.5f, -0.5f, 0f, 0.5f }), "λ·sign(w), sign(0) = 0");
        Assert.That(b.Grad, Is.Null, "a parameter not chosen gets no gradient");

        Assert.Throws<ArgumentOutOfRangeException>(() => Penalties.L1([w], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Penalties.L2([w], double.NaN));
    }

    [Test]
    public void Penalties_select_parameters_by_name()
    {
        var model = new Sequential(new Linear(3, 4, seed: 1), new ReLU(), new Linear(4, 2, seed: 2));
        var weights = model.NamedParameters().Where(np => np.Name.EndsWith("weight", StringComparison.Ordinal)).Select(np => np.Parameter);
        var x = Tensor.RandomNormal([5, 3], seed: 3);
        var loss = Losses.MeanSquaredError(model.Forward(x), Tensor.Zeros(5, 2));
        var dataOnly = model.Parameters().Select(p => (p.Name, Grad: GradOf(p, loss))).ToDictionary(t => t.Name, t => t.Grad);
        model.ZeroGrad();
        var total = Losses.MeanSquaredError(model.Forward(x), Tensor.Zeros(5, 2)) + Penalties.L2(weights, 0.1);
        total.Backward();
        foreach (var (name, p) in model.NamedParameters())
        {
            var g = p.Grad!.ToArray();
            var w = p.Value.ToArray();
            bool decayed = name.EndsWith("weight", StringComparison.Ordinal);
            for (int i = 0; i < g.Length; i++)
            {
                Assert.That(g[i], Is.EqualTo(dataOnly[name][i] + (decayed ? 0.1f * w[i] : 0f)).Within(1e-6), name);
            }
        }
    }

    private static float[] GradOf(Parameter p, Tensor loss)
    {
        if (p.Grad is null) loss.Backward();
        return p.Grad!.ToArray();
    }
}
