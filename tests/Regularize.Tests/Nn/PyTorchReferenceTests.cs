using System.Text.Json;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// Small networks against PyTorch (Fixtures/nn/reference.json, from generate.py): the weights are loaded by name
/// from the file, the forward and backward passes run here in float32, and the reference was computed in float64
/// from the same float32 values, so the differences are our float32 rounding alone.
/// </summary>
/// <remarks>
/// Tolerance: |ours − ref| ≤ <see cref="Atol"/> + <see cref="Rtol"/>·|ref|. Measured maxima (this machine, AVX2):
/// logits (of order 1) 1.0e-6 absolute, 3.2e-6 relative; parameter and logit gradients (of order 1e-3 to 0.5)
/// 2.5e-7 absolute; mean losses 3.5e-7; sum losses (of order 20–70) 5.8e-6 absolute, 8e-8 relative; running
/// statistics 1.2e-7. Rtol 2e-5 and atol 5e-6 leave 5× headroom or more, and are still far below any modelling
/// difference (biased vs unbiased variance, a missing ε, tanh-approximated GELU, label smoothing off: each changes
/// values by 1e-3 or more). The gradient of <c>0.bias</c> in the BatchNorm model is 0 in exact arithmetic (a bias
/// before BatchNorm cancels); both sides give noise of order 1e-8 there, which atol covers.
/// </remarks>
public class PyTorchReferenceTests
{
    private const double Rtol = 2e-5;
    private const double Atol = 5e-6;

    private static readonly JsonElement Data = NnFixtures.Load("reference.json");

    private static Tensor X => NnFixtures.TensorOf(Data.GetProperty("x"));

    private static int[] Classes => NnFixtures.Ints(Data.GetProperty("classes"));

    private static Sequential Mlp()
    {
        var model = new Sequential(new Linear(20, 16, seed: 1), new LayerNorm(16), new ReLU(), new Dropout(0.3, seed: 2),
            new Linear(16, 16, seed: 3), new GELU(), new Linear(16, 10, seed: 4));
        NnFixtures.LoadParameters(model, Data.GetProperty("mlp").GetProperty("params"));
        model.Eval();
        return model;
    }

    private static Tensor Loss(string name, Tensor logits, Reduction reduction) => name switch
    {
        "cross_entropy" => Losses.CrossEntropy(logits, Classes, reduction),
        "cross_entropy_smoothed" => Losses.CrossEntropy(logits, Classes, reduction, labelSmoothing: 0.1),
        "mse" => Losses.MeanSquaredError(logits, NnFixtures.TensorOf(Data.GetProperty("regression_targets")), reduction),
        "bce_with_logits" => Losses.BinaryCrossEntropyWithLogits(logits, NnFixtures.TensorOf(Data.GetProperty("binary_targets")), reduction),
        _ => throw new ArgumentException(name),
    };

    private static void AssertGrads(Module model, JsonElement grads, string what)
    {
        foreach (var (name, p) in model.NamedParameters())
        {
            Assert.That(p.Grad, Is.Not.Null, $"{what}: {name} has a gradient");
            NnFixtures.AssertClose(p.Grad!.Span, NnFixtures.Doubles(grads.GetProperty(name)), Rtol, Atol, $"{what} grad {name}");
        }
    }

    [Test]
    public void Mlp_logits_match()
    {
        var logits = Mlp().Forward(X);
        NnFixtures.AssertClose(logits.Span, NnFixtures.Doubles(Data.GetProperty("mlp").GetProperty("logits")), Rtol, Atol, "logits");
    }

    [TestCase("cross_entropy")]
    [TestCase("cross_entropy_smoothed")]
    [TestCase("mse")]
    [TestCase("bce_with_logits")]
    public void Mlp_loss_values_and_gradients_match(string loss)
    {
        var reference = Data.GetProperty("mlp").GetProperty("losses").GetProperty(loss);
        var model = Mlp();
        var x = X;
        var logits = model.Forward(x);

        var sum = Loss(loss, logits, Reduction.Sum);
        NnFixtures.AssertClose(sum.Item(), reference.GetProperty("sum").GetDouble(), Rtol, Atol, $"{loss} sum");

        // The gradient with respect to the logits, through a leaf copy of them, tests the loss on its own.
        var leaf = logits.Detach().Clone();
        leaf.RequiresGrad = true;
        var mean = Loss(loss, leaf, Reduction.Mean);
        NnFixtures.AssertClose(mean.Item(), reference.GetProperty("mean").GetDouble(), Rtol, Atol, $"{loss} mean");
        mean.Backward();
        NnFixtures.AssertClose(leaf.Grad!.Span, NnFixtures.Doubles(reference.GetProperty("logits_grad")), Rtol, Atol, $"{loss} d/dlogits");

        Loss(loss, logits, Reduction.Mean).Backward();
        AssertGrads(model, reference.GetProperty("grads"), loss);
    }

    private static Sequential BatchNormModel(out BatchNorm1d bn)
    {
        var record = Data.GetProperty("batchnorm");
        bn = new BatchNorm1d(16);
        var model = new Sequential(new Linear(20, 16, seed: 1), bn, new ReLU(), new Linear(16, 10, seed: 2));
        NnFixtures.LoadParameters(model, record.GetProperty("params"));
        var buffers = record.GetProperty("initial_buffers");
        NnFixtures.Floats(buffers.GetProperty("running_mean")).CopyTo(bn.RunningMean!.Span);
        NnFixtures.Floats(buffers.GetProperty("running_var")).CopyTo(bn.RunningVar!.Span);
        return model;
    }

    [Test]
    public void BatchNorm_training_step_then_eval_match()
    {
        var record = Data.GetProperty("batchnorm");
        var model = BatchNormModel(out var bn);

        var train = record.GetProperty("train");
        var logits = model.Forward(X);
        NnFixtures.AssertClose(logits.Span, NnFixtures.Doubles(train.GetProperty("logits")), Rtol, Atol, "train logits");
        var loss = Losses.CrossEntropy(logits, Classes);
        NnFixtures.AssertClose(loss.Item(), train.GetProperty("loss").GetDouble(), Rtol, Atol, "train loss");
        loss.Backward();
        AssertGrads(model, train.GetProperty("grads"), "train");
        NnFixtures.AssertClose(bn.RunningMean!.Span, NnFixtures.Doubles(train.GetProperty("running_mean")), Rtol, Atol, "running_mean");
        NnFixtures.AssertClose(bn.RunningVar!.Span, NnFixtures.Doubles(train.GetProperty("running_var")), Rtol, Atol, "running_var (unbiased)");

        var eval = record.GetProperty("eval");
        model.Eval();
        model.ZeroGrad();
        logits = model.Forward(X);
        NnFixtures.AssertClose(logits.Span, NnFixtures.Doubles(eval.GetProperty("logits")), Rtol, Atol, "eval logits");
        loss = Losses.CrossEntropy(logits, Classes);
        NnFixtures.AssertClose(loss.Item(), eval.GetProperty("loss").GetDouble(), Rtol, Atol, "eval loss");
        loss.Backward();
        AssertGrads(model, eval.GetProperty("grads"), "eval");
    }
}
