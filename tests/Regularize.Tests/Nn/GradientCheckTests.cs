using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// Finite-difference checks of every layer and loss, with respect to the input and every parameter.
/// <see cref="GradCheck"/> reduces the output with uneven weights U(0.5, 1.5), so a gradient routed to the wrong
/// element does not cancel out.
/// </summary>
/// <remarks>
/// The differences are float32 with step h = 1e-2 (see GradCheck). Measured on these cases, correct rules
/// give errors (relative to max(1, |g|)) of at most 2.5e-4 (the whole MLP; single layers and losses at most 1.7e-4, most below 3e-5);
/// <see cref="Tolerance"/> is 2e-3, ten times that, and a wrong rule (a missing term, a transposed index) shows
/// as an error of order 1e-2 to 1.
/// </remarks>
public class GradientCheckTests
{
    private const double Tolerance = 2e-3;

    private static void Check(string what, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        TestContext.Out.WriteLine($"{what}: {result}");
        Assert.That(result.IsWithin(Tolerance), Is.True, $"{what}: {result}");
    }

    /// <summary>Samples away from 0, so that no finite difference straddles a kink of ReLU or |x|.</summary>
    private static Tensor AwayFromZero(int[] shape, ulong seed)
    {
        var t = Tensor.RandomNormal(shape, seed: seed);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] += s[i] >= 0 ? 0.1f : -0.1f;
        return t;
    }

    private static Tensor[] With(Tensor input, Module m) => [input, .. m.Parameters().Select(p => p.Value)];

    [Test]
    public void Linear()
    {
        var layer = new Linear(5, 3, seed: 1);
        Check("Linear", xs => layer.Forward(xs[0]), With(Tensor.RandomNormal([4, 5], seed: 2), layer));
        var noBias = new Linear(5, 3, bias: false, seed: 1);
        Check("Linear without bias", xs => noBias.Forward(xs[0]), With(Tensor.RandomNormal([4, 5], seed: 2), noBias));
        Check("Linear on [2,3,5]", xs => layer.Forward(xs[0]), With(Tensor.RandomNormal([2, 3, 5], seed: 3), layer));
    }

    [Test]
    public void Activations()
    {
        Check("ReLU", xs => new ReLU().Forward(xs[0]), AwayFromZero([4, 6], 1));
        Check("GELU", xs => new GELU().Forward(xs[0]), Tensor.RandomNormal([4, 6], seed: 2));
        Check("Tanh", xs => new Tanh().Forward(xs[0]), Tensor.RandomNormal([4, 6], seed: 3));
        Check("Sigmoid", xs => new Sigmoid().Forward(xs[0]), Tensor.RandomNormal([4, 6], seed: 4));
        Check("Flatten", xs => new Flatten().Forward(xs[0]), Tensor.RandomNormal([2, 3, 4], seed: 5));
    }

    [Test]
    public void Dropout_in_training_mode_with_a_fixed_mask()
    {
        // A fresh module per call: the same seed gives the same mask every time the function is evaluated.
        Check("Dropout train", xs => new Dropout(0.4, seed: 3).Forward(xs[0]), Tensor.RandomNormal([5, 6], seed: 1));
        Check("Dropout eval", xs => new Dropout(0.4, seed: 3).Eval().Forward(xs[0]), Tensor.RandomNormal([5, 6], seed: 1));
    }

    [Test]
    public void LayerNorm()
    {
        var ln = new LayerNorm(6);
        Init.Normal(ln.Weight!, new Rng(1), 1, 0.3);
        Init.Normal(ln.Bias!, new Rng(2), 0, 0.3);
        Check("LayerNorm", xs => ln.Forward(xs[0]), With(Tensor.RandomNormal([4, 6], seed: 3), ln));
        var ln2 = new LayerNorm([3, 4]);
        Init.Normal(ln2.Weight!, new Rng(4), 1, 0.3);
        Check("LayerNorm over [3,4]", xs => ln2.Forward(xs[0]), With(Tensor.RandomNormal([2, 3, 4], seed: 5), ln2));
        var plain = new LayerNorm(6, elementwiseAffine: false);
        Check("LayerNorm without affine", xs => plain.Forward(xs[0]), Tensor.RandomNormal([4, 6], seed: 6));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void BatchNorm1d(bool training)
    {
        var bn = new BatchNorm1d(4);
        Init.Normal(bn.Weight!, new Rng(1), 1, 0.3);
        Init.Normal(bn.Bias!, new Rng(2), 0, 0.3);
        bn.Forward(Tensor.RandomNormal([8, 4], mean: 0.5f, std: 2, seed: 3)); // non-trivial running statistics
        bn.Train(training);
        Check($"BatchNorm1d {(training ? "train" : "eval")}", xs => bn.Forward(xs[0]), With(Tensor.RandomNormal([6, 4], seed: 4), bn));
    }

    [Test]
    public void Mlp_with_every_layer()
    {
        var model = new Sequential(new Linear(5, 8, seed: 1), new LayerNorm(8), new Tanh(), new Dropout(0.2, seed: 5),
            new Linear(8, 6, seed: 2), new BatchNorm1d(6), new GELU(), new Linear(6, 3, seed: 3), new Sigmoid());
        var x = Tensor.RandomNormal([7, 5], seed: 4);
        model.Eval();
        Check("MLP eval", xs => model.Forward(xs[0]), With(x, model));
    }

    [TestCase(Reduction.Mean, 0.0)]
    [TestCase(Reduction.Sum, 0.0)]
    [TestCase(Reduction.Mean, 0.2)]
    [TestCase(Reduction.Sum, 0.2)]
    public void CrossEntropy(Reduction reduction, double smoothing)
    {
        int[] targets = [2, 0, 4, 4, 1];
        Check($"CrossEntropy {reduction} ε={smoothing}", xs => Losses.CrossEntropy(xs[0], targets, reduction, smoothing),
            Tensor.RandomNormal([5, 5], std: 2, seed: 1));
    }

    [TestCase(Reduction.Mean)]
    [TestCase(Reduction.Sum)]
    public void MeanSquaredError(Reduction reduction) =>
        Check($"MSE {reduction}", xs => Losses.MeanSquaredError(xs[0], xs[1], reduction),
            Tensor.RandomNormal([4, 3], seed: 1), Tensor.RandomNormal([4, 3], seed: 2));

    [TestCase(Reduction.Mean)]
    [TestCase(Reduction.Sum)]
    public void BinaryCrossEntropyWithLogits(Reduction reduction)
    {
        var targets = Tensor.RandomUniform([4, 3], 0, 1, seed: 2);
        targets.Span[0] = 0;
        targets.Span[1] = 1;
        Check($"BCE {reduction}", xs => Losses.BinaryCrossEntropyWithLogits(xs[0], targets, reduction),
            AwayFromZero([4, 3], 1));
    }

    [Test]
    public void Penalties_over_chosen_parameters()
    {
        var model = new Sequential(new Linear(3, 4, seed: 1), new Linear(4, 2, seed: 2));
        foreach (var p in model.Parameters())
        {
            var s = p.Value.Span;
            for (int i = 0; i < s.Length; i++) s[i] += s[i] >= 0 ? 0.1f : -0.1f; // away from |w|'s kink
        }
        var weights = model.NamedParameters().Where(np => np.Name.EndsWith("weight", StringComparison.Ordinal)).Select(np => np.Parameter).ToArray();
        Check("L1", _ => Penalties.L1(weights, 0.3), weights.Select(p => p.Value).ToArray());
        Check("L2", _ => Penalties.L2(weights, 0.3), weights.Select(p => p.Value).ToArray());
    }
}
