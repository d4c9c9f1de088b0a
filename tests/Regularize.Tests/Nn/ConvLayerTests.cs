using System.Text.Json;
using Regularize.Autograd;
using Regularize.Nn;
using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// The convolutional layers: a small CNN against PyTorch 1.13 with parameters and buffers matched by PyTorch's names
/// (Fixtures/conv/reference.json, "cnn"), PyTorch's default initialisation, finite-difference checks of each layer,
/// and BatchNorm2d's running statistics and modes.
/// </summary>
public class ConvLayerTests
{
    private static readonly JsonElement Data = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "conv", "reference.json"))).RootElement;

    private static Sequential SmallCnn() => new(
        new Conv2d(1, 4, 3, padding: 1, seed: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
        new Conv2d(4, 6, 3, padding: 1, bias: false, seed: 2), new BatchNorm2d(6), new ReLU(), new AvgPool2d(2),
        new Conv2d(6, 6, 3, padding: 1, groups: 6, seed: 3), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(6, 3, seed: 4));

    [Test]
    public void Small_cnn_matches_torch_by_parameter_and_buffer_name()
    {
        var c = Data.GetProperty("cnn");
        var model = SmallCnn();
        NnFixtures.LoadParameters(model, c.GetProperty("params"));
        var expectedBuffers = c.GetProperty("buffers").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(model.NamedBuffers().Select(b => b.Name).ToArray(), Is.EqualTo(expectedBuffers), "buffer names, as PyTorch's named_buffers()");

        var logits = model.Forward(NnFixtures.TensorOf(c.GetProperty("x")));
        NnFixtures.AssertClose(logits.Span, NnFixtures.Doubles(c.GetProperty("logits")), 2e-5, 5e-6, "logits");
        var loss = Losses.CrossEntropy(logits, NnFixtures.Ints(c.GetProperty("classes")));
        NnFixtures.AssertClose(loss.Item(), c.GetProperty("loss").GetDouble(), 2e-5, 5e-6, "loss");
        loss.Backward();
        foreach (var (name, p) in model.NamedParameters())
        {
            NnFixtures.AssertClose(p.Grad!.Span, NnFixtures.Doubles(c.GetProperty("grads").GetProperty(name)), 2e-5, 5e-6, $"grad {name}");
        }
        foreach (var (name, b) in model.NamedBuffers())
        {
            NnFixtures.AssertClose(b.Span, NnFixtures.Doubles(c.GetProperty("buffers").GetProperty(name)), 2e-5, 5e-6, $"buffer {name}");
        }
    }

    [Test]
    public void Weights_round_trip_through_safetensors_by_name()
    {
        var a = SmallCnn();
        a.Forward(Tensor.RandomNormal([2, 1, 9, 8], seed: 1)); // moves the running statistics
        string path = Path.Combine(Path.GetTempPath(), $"conv-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelWeights.Save(a, path);
            var b = SmallCnn();
            ModelWeights.Load(b, path);
            foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters())) Assert.That(pb.Value.ToArray(), Is.EqualTo(pa.Value.ToArray()), name);
            foreach (var ((name, ba), (_, bb)) in a.NamedBuffers().Zip(b.NamedBuffers())) Assert.That(bb.ToArray(), Is.EqualTo(ba.ToArray()), name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Conv2d_has_torch_names_shapes_and_default_initialisation()
    {
        var conv = new Conv2d(6, 64, new Size2d(3, 5), groups: 2, seed: 7);
        Assert.That(conv.NamedParameters().Select(p => (p.Name, p.Parameter.Shape)).ToArray(),
            Is.EqualTo(new[] { ("weight", new Shape(64, 3, 3, 5)), ("bias", new Shape(64)) }));
        double bound = 1 / Math.Sqrt(3 * 3 * 5); // fan_in = in/groups·KH·KW
        var w = conv.Weight.Value.ToArray();
        Assert.That(w.Max(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9 * bound));
        Assert.That(w.Min(), Is.GreaterThanOrEqualTo(-bound).And.LessThan(-0.9 * bound));
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.That(std, Is.EqualTo(bound / Math.Sqrt(3)).Within(0.05 * bound), "U(−b, b) has std b/√3");
        var bias = conv.Bias!.Value.ToArray();
        Assert.That(bias.Max(), Is.LessThanOrEqualTo(bound));
        Assert.That(bias.Min(), Is.GreaterThanOrEqualTo(-bound));
        Assert.That(new Conv2d(6, 64, 3, seed: 7).Weight.Value.ToArray(), Is.EqualTo(new Conv2d(6, 64, 3, seed: 7).Weight.Value.ToArray()), "same seed, same weights");
        Assert.That(new Conv2d(6, 64, 3, seed: 7).Weight.Value.ToArray(), Is.Not.EqualTo(new Conv2d(6, 64, 3, seed: 8).Weight.Value.ToArray()));
    }

    [Test]
    public void Layers_pass_gradient_checks()
    {
        void Check(string what, Module m, Tensor x)
        {
            var result = GradCheck.Check(xs => m.Forward(xs[0]), [x, .. m.Parameters().Select(p => p.Value)]);
            Assert.That(result.IsWithin(2e-3), Is.True, $"{what}: {result}");
        }
        Check("Conv2d", new Conv2d(3, 4, 3, stride: 2, padding: 1, seed: 1), Tensor.RandomNormal([2, 3, 6, 5], seed: 1));
        Check("Conv2d same depthwise", new Conv2d(4, 4, 3, "same", dilation: 2, groups: 4, seed: 2), Tensor.RandomNormal([2, 4, 5, 6], seed: 2));
        var bn = new BatchNorm2d(3);
        Init.Normal(bn.Weight!, new Rng(1), 1, 0.3);
        Init.Normal(bn.Bias!, new Rng(2), 0, 0.3);
        Check("BatchNorm2d train", bn, Tensor.RandomNormal([3, 3, 3, 4], mean: 0.5f, std: 2, seed: 3));
        bn.Eval();
        Check("BatchNorm2d eval", bn, Tensor.RandomNormal([2, 3, 3, 4], seed: 4));
        Check("AvgPool2d", new AvgPool2d(2), Tensor.RandomNormal([2, 2, 5, 4], seed: 5));
        Check("AdaptiveAvgPool2d", new AdaptiveAvgPool2d(1), Tensor.RandomNormal([2, 2, 5, 4], seed: 6));
        Check("Dropout2d", new Dropout2d(0.3, seed: 3).Eval(), Tensor.RandomNormal([2, 2, 3, 3], seed: 7));
    }

    [Test]
    public void BatchNorm2d_tracks_running_statistics_and_uses_them_in_eval()
    {
        var x = Tensor.RandomNormal([4, 2, 3, 5], mean: 2, std: 3, seed: 1);
        var cumulative = new BatchNorm2d(2, momentum: null);
        cumulative.Forward(x);
        cumulative.Forward(x * 2f);
        Assert.That(cumulative.NumBatchesTracked, Is.EqualTo(2));
        // m = 1/t: after two batches the running mean is the average of the two batch means.
        for (int ch = 0; ch < 2; ch++)
        {
            double mean = 0;
            for (int n = 0; n < 4; n++) for (int i = 0; i < 15; i++) mean += x.Span[(n * 2 + ch) * 15 + i];
            mean /= 60;
            Assert.That(cumulative.RunningMean!.Span[ch], Is.EqualTo((mean + 2 * mean) / 2).Within(1e-5 * Math.Abs(mean) + 1e-6));
        }
        cumulative.Eval();
        var y = cumulative.Forward(x);
        float expected = (float)((x.Span[0] - cumulative.RunningMean!.Span[0]) / Math.Sqrt(cumulative.RunningVar!.Span[0] + 1e-5));
        Assert.That(y.Span[0], Is.EqualTo(expected).Within(1e-5));
        Assert.That(cumulative.NumBatchesTracked, Is.EqualTo(2), "evaluation does not count");
        Assert.That(() => new BatchNorm2d(3).Forward(x), Throws.ArgumentException.With.Message.Contains("has 2 channels, expected 3"));
        Assert.That(() => new BatchNorm2d(2).Forward(Tensor.Zeros(1, 2, 1, 1)), Throws.ArgumentException.With.Message.Contains("single value per channel"));
    }

    [Test]
    public void Layers_reject_bad_arguments_where_they_are_built()
    {
        Assert.That(() => new Conv2d(3, 4, 3, groups: 2), Throws.ArgumentException.With.Message.Contains("groups = 2"));
        Assert.That(() => new Conv2d(3, 4, 3, "full"), Throws.ArgumentException.With.Message.Contains("\"full\""));
        Assert.That(() => new Conv2d(3, 4, 3, "same", stride: 2), Throws.ArgumentException.With.Message.Contains("stride 1"));
        Assert.That(() => new MaxPool2d(2, padding: 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new AdaptiveAvgPool2d(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Conv2d(3, 4, 3).Forward(Tensor.Zeros(2, 2, 5, 5)), Throws.ArgumentException.With.Message.Contains("has 2 channels, expected 3"));
    }
}
