using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

public class LayerTests
{
    [Test]
    public void Linear_has_PyTorch_shapes_and_initial_bounds()
    {
        var layer = new Linear(400, 30, seed: 7);
        Assert.That(layer.Weight.Shape, Is.EqualTo(new Shape(30, 400)));
        Assert.That(layer.Bias!.Shape, Is.EqualTo(new Shape(30)));
        float bound = 1f / MathF.Sqrt(400);
        Assert.That(layer.Weight.Value.ToArray(), Is.All.InRange(-bound, bound));
        Assert.That(layer.Bias.Value.ToArray(), Is.All.InRange(-bound, bound));
        // U(-b, b) has standard deviation b/√3.
        var w = layer.Weight.Value.ToArray();
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.That(std, Is.EqualTo(bound / Math.Sqrt(3)).Within(0.02 * bound));
        Assert.That(new Linear(400, 30, seed: 7).Weight.Value.ToArray(), Is.EqualTo(w), "same seed, same weights");
        Assert.That(new Linear(400, 30, seed: 8).Weight.Value.ToArray(), Is.Not.EqualTo(w));
        Assert.That(new Linear(3, 2, bias: false).Bias, Is.Null);
        Assert.That(new Linear(3, 2, bias: false).Parameters().Count(), Is.EqualTo(1));
    }

    [Test]
    public void Linear_computes_x_times_W_transposed_plus_b()
    {
        var layer = new Linear(3, 2);
        Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3).Span.CopyTo(layer.Weight.Value.Span);
        Tensor.FromArray([0.5f, -1]).Span.CopyTo(layer.Bias!.Value.Span);
        var y = layer.Forward(Tensor.FromArray([1, 0, -1, 2, 1, 0], 2, 3));
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 2)));
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 1 - 3 + 0.5f, 4 - 6 - 1, 2 + 2 + 0.5f, 8 + 5 - 1 }));
        var batched = layer.Forward(Tensor.FromArray([1, 0, -1, 2, 1, 0, 1, 0, -1, 2, 1, 0], 2, 1, 2, 3));
        Assert.That(batched.Shape, Is.EqualTo(new Shape(2, 1, 2, 2)));
        Assert.That(batched.ToArray()[4..], Is.EqualTo(y.ToArray()));
    }

    [Test]
    public void A_wrong_input_shape_names_the_module_path_type_and_both_shapes()
    {
        var model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(256, 10));
        var parent = new Sequential(model);
        var ex = Assert.Throws<ArgumentException>(() => parent.Forward(Tensor.Zeros(32, 784)));
        Assert.That(ex!.Message, Does.StartWith("0.2 (Linear 256->10): input [32,128] has 128 features, expected 256"));

        var root = new Linear(256, 10);
        ex = Assert.Throws<ArgumentException>(() => root.Forward(Tensor.Zeros(32, 128)));
        Assert.That(ex!.Message, Does.StartWith("Linear 256->10: input [32,128] has 128 features, expected 256"));
        ex = Assert.Throws<ArgumentException>(() => root.Forward(Tensor.Zeros(256)));
        Assert.That(ex!.Message, Does.StartWith("Linear 256->10: input [256] has rank 1, expected [N,256]"));

        var norms = new Sequential(new LayerNorm(16), new BatchNorm1d(8));
        ex = Assert.Throws<ArgumentException>(() => norms.Forward(Tensor.Zeros(4, 15)));
        Assert.That(ex!.Message, Does.StartWith("0 (LayerNorm [16]): input [4,15] does not end in the normalized shape [16]"));
        ex = Assert.Throws<ArgumentException>(() => norms.Forward(Tensor.Zeros(4, 16)));
        Assert.That(ex!.Message, Does.StartWith("1 (BatchNorm1d 8): input [4,16] has 16 features, expected 8"));
        ex = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)));
        Assert.That(ex!.Message, Does.Contain("single row"));
        ex = Assert.Throws<ArgumentException>(() => new Flatten().Forward(Tensor.Zeros(5)));
        Assert.That(ex!.Message, Does.StartWith("Flatten: input [5] has rank 1"));
    }

    [Test]
    public void Constructor_arguments_are_validated_with_their_names()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Linear(0, 3))!.ParamName, Is.EqualTo("inFeatures"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Linear(3, -1))!.ParamName, Is.EqualTo("outFeatures"));
        foreach (double p in new[] { -0.1, 1.0, 1.5, double.NaN })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Dropout(p));
            Assert.That(ex!.ParamName, Is.EqualTo("p"));
            Assert.That(ex.Message, Does.Contain("[0, 1)"));
        }
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new LayerNorm([]))!.ParamName, Is.EqualTo("normalizedShape"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new LayerNorm([4, 0]))!.ParamName, Is.EqualTo("normalizedShape"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LayerNorm(4, eps: 0))!.ParamName, Is.EqualTo("eps"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BatchNorm1d(0))!.ParamName, Is.EqualTo("numFeatures"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BatchNorm1d(4, eps: -1))!.ParamName, Is.EqualTo("eps"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BatchNorm1d(4, momentum: 1.5))!.ParamName, Is.EqualTo("momentum"));
    }

    [Test]
    public void Dropout_zeroes_about_p_of_the_elements_scales_the_rest_and_is_the_identity_in_eval()
    {
        var x = Tensor.Ones(200, 100);
        var dropout = new Dropout(0.3, seed: 11);
        var y = dropout.Forward(x).ToArray();
        double zeroFraction = y.Count(v => v == 0) / (double)y.Length;
        Assert.That(zeroFraction, Is.EqualTo(0.3).Within(0.01), "binomial sd is 0.0032 at n = 20000");
        Assert.That(y.Where(v => v != 0), Is.All.EqualTo(1f / 0.7f));
        Assert.That(y.Average(), Is.EqualTo(1.0).Within(0.02), "inverted dropout keeps the mean");
        Assert.That(new Dropout(0.3, seed: 11).Forward(x).ToArray(), Is.EqualTo(y), "seeded");
        Assert.That(dropout.Forward(x).ToArray(), Is.Not.EqualTo(y), "a new mask per call");
        dropout.Eval();
        Assert.That(dropout.Forward(x), Is.SameAs(x));
        Assert.That(new Dropout(0).Forward(x), Is.SameAs(x));
    }

    [Test]
    public void Dropout_gradient_is_the_mask()
    {
        var x = Tensor.RandomNormal([10, 10], seed: 1);
        x.RequiresGrad = true;
        var y = new Dropout(0.5, seed: 2).Forward(x);
        y.Sum().Backward();
        var yv = y.ToArray();
        var xv = x.ToArray();
        var g = x.Grad!.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.That(g[i], Is.EqualTo(yv[i] == 0 && xv[i] != 0 ? 0f : 2f));
    }

    [Test]
    public void LayerNorm_normalises_each_row()
    {
        var x = Tensor.RandomNormal([6, 32], mean: 3, std: 5, seed: 4);
        var y = new LayerNorm(32).Forward(x);
        for (int r = 0; r < 6; r++)
        {
            var row = y.ToArray()[(r * 32)..((r + 1) * 32)];
            Assert.That(row.Average(), Is.EqualTo(0).Within(1e-5));
            Assert.That(row.Select(v => (double)v * v).Average(), Is.EqualTo(1).Within(1e-4), "biased variance 1");
        }
    }

    [Test]
    public void LayerNorm_over_two_axes_equals_LayerNorm_over_the_flattened_axes()
    {
        var x = Tensor.RandomNormal([3, 4, 5], seed: 9);
        var two = new LayerNorm([4, 5]);
        Init.Normal(two.Weight!, new Rng(1), 1, 0.2);
        Init.Normal(two.Bias!, new Rng(2), 0, 0.2);
        var flat = new LayerNorm(20);
        two.Weight!.Value.Span.CopyTo(flat.Weight!.Value.Span);
        two.Bias!.Value.Span.CopyTo(flat.Bias!.Value.Span);
        var a = two.Forward(x).ToArray();
        var b = flat.Forward(x.Reshape(3, 20)).ToArray();
        for (int i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(b[i]).Within(1e-5));
        Assert.That(two.Weight.Shape, Is.EqualTo(new Shape(4, 5)));
        Assert.That(new LayerNorm(5, elementwiseAffine: false).Parameters(), Is.Empty);
    }

    [Test]
    public void BatchNorm_tracks_running_statistics_and_uses_them_in_eval()
    {
        var bn = new BatchNorm1d(2, momentum: 0.5);
        var x = Tensor.FromArray([1, 10, 3, 20, 5, 30], 3, 2);
        var y = bn.Forward(x).ToArray();
        // Column 0: mean 3, biased variance 8/3, unbiased 4.
        Assert.That(y[0], Is.EqualTo(-2 / Math.Sqrt(8.0 / 3 + 1e-5)).Within(1e-5));
        Assert.That(bn.RunningMean!.ToArray(), Is.EqualTo(new[] { 0.5f * 3, 0.5f * 20 }));
        Assert.That(bn.RunningVar!.ToArray(), Is.EqualTo(new[] { 0.5f + 0.5f * 4, 0.5f + 0.5f * 100 }).Within(1e-4).Percent, "unbiased batch variances 4 and 100");
        Assert.That(bn.NumBatchesTracked, Is.EqualTo(1));

        bn.Eval();
        var e = bn.Forward(Tensor.FromArray([1.5f, 10], 1, 2)).ToArray(); // exactly the running means
        Assert.That(e[0], Is.EqualTo(0f).Within(1e-6));
        Assert.That(e[1], Is.EqualTo(0f).Within(1e-6));
        Assert.That(bn.NumBatchesTracked, Is.EqualTo(1), "eval does not update");

        var cumulative = new BatchNorm1d(1, momentum: null);
        cumulative.Forward(Tensor.FromArray([0, 2], 2, 1));
        cumulative.Forward(Tensor.FromArray([4, 6], 2, 1));
        Assert.That(cumulative.RunningMean!.ToArray(), Is.EqualTo(new[] { 3f }), "mean of the batch means 1 and 5");

        var untracked = new BatchNorm1d(2, trackRunningStats: false);
        Assert.That(untracked.NamedBuffers(), Is.Empty);
        untracked.Eval();
        Assert.That(untracked.Forward(x).ToArray(), Is.EqualTo(new BatchNorm1d(2).Forward(x).ToArray()), "batch statistics in eval");
    }

    [Test]
    public void Flatten_keeps_the_batch_axis()
    {
        var x = Tensor.RandomNormal([2, 3, 4], seed: 1);
        var y = new Flatten().Forward(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 12)));
        Assert.That(y.ToArray(), Is.EqualTo(x.ToArray()));
    }

    [Test]
    public void Activations_match_their_formulas()
    {
        float[] v = [-2f, -0.5f, 0f, 0.5f, 2f];
        var x = Tensor.FromArray(v);
        Assert.That(new ReLU().Forward(x).ToArray(), Is.EqualTo(v.Select(a => Math.Max(a, 0f)).ToArray()));
        Assert.That(new Tanh().Forward(x).ToArray(), Is.EqualTo(v.Select(MathF.Tanh).ToArray()).Within(1e-6));
        Assert.That(new Sigmoid().Forward(x).ToArray(), Is.EqualTo(v.Select(a => 1 / (1 + MathF.Exp(-a))).ToArray()).Within(1e-6));
        // Exact GELU values x·Φ(x) (Φ(-2) = 0.0227501319, Φ(-0.5) = 0.3085375387).
        double[] gelu = [-2 * 0.0227501319, -0.5 * 0.3085375387, 0, 0.5 * (1 - 0.3085375387), 2 * (1 - 0.0227501319)];
        var g = new GELU().Forward(x).ToArray();
        for (int i = 0; i < v.Length; i++) Assert.That(g[i], Is.EqualTo(gelu[i]).Within(1e-6));
    }

    [Test]
    public void Layers_do_not_record_under_NoGrad()
    {
        var model = new Sequential(new Linear(4, 3), new LayerNorm(3), new GELU());
        using (GradMode.NoGrad())
        {
            Assert.That(model.Forward(Tensor.Ones(2, 4)).RequiresGrad, Is.False);
        }
        Assert.That(model.Forward(Tensor.Ones(2, 4)).RequiresGrad, Is.True);
    }

    [Test]
    public void Every_layer_trains_inside_TensorScopes_and_its_state_outlives_them()
    {
        var model = new Sequential(new Linear(6, 8, seed: 1), new BatchNorm1d(8), new ReLU(), new Dropout(0.2, seed: 2),
            new Linear(8, 8, seed: 3), new LayerNorm(8), new GELU(), new Flatten(), new Linear(8, 3, seed: 4));
        var x = Tensor.RandomNormal([16, 6], seed: 5);
        int[] y = Enumerable.Range(0, 16).Select(i => i % 3).ToArray();
        var before = model.Parameters().Select(p => p.Value.ToArray()).ToArray();
        float first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            model.ZeroGrad();
            using (TensorScope.Begin())
            {
                var loss = Losses.CrossEntropy(model.Forward(x), y) + Penalties.L2(model.Parameters(), 1e-3);
                loss.Backward();
                if (step == 0) first = loss.Item();
                last = loss.Item();
            }
            foreach (var p in model.Parameters())
            {
                Span<float> w = p.Value.Span;
                ReadOnlySpan<float> g = p.Grad!.Span;
                for (int i = 0; i < w.Length; i++) w[i] -= 0.1f * g[i];
            }
        }
        Assert.That(last, Is.LessThan(first / 2));
        Assert.That(model.Parameters().Select(p => p.Value.ToArray()), Is.Not.EqualTo(before));
        Assert.That(model.NamedBuffers().All(b => !b.Buffer.IsReleased), Is.True, "buffers are not scope-owned");
        Assert.That(model.Parameters().All(p => !p.Value.IsReleased && !p.Grad!.IsReleased), Is.True);
        model.Eval();
        using (TensorScope.Begin())
        {
            Assert.That(float.IsFinite(model.Forward(x).Sum().Item()), Is.True);
        }
    }
}
