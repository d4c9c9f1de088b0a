using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Tests.Training;

namespace Regularize.Tests.Nn;

/// <summary><see cref="Losses.CrossEntropy(Tensor, Tensor, Reduction, double)"/> against PyTorch 1.13's probability targets.</summary>
public class SoftCrossEntropyTests
{
    [Test]
    public void MatchesPyTorchWithAndWithoutLabelSmoothing()
    {
        var reference = TrainingFixtures.Root.GetProperty("soft_cross_entropy");
        var logits = TrainingFixtures.Floats(reference.GetProperty("logits"));
        var targets = Tensor.FromArray(TrainingFixtures.Floats(reference.GetProperty("targets")), 4, 5);
        foreach (var c in reference.GetProperty("cases").EnumerateArray())
        {
            double smoothing = c.GetProperty("label_smoothing").GetDouble();
            var reduction = c.GetProperty("reduction").GetString() == "mean" ? Reduction.Mean : Reduction.Sum;
            var x = Tensor.FromArray((float[])logits.Clone(), 4, 5);
            x.RequiresGrad = true;
            var loss = Losses.CrossEntropy(x, targets, reduction, smoothing);
            loss.Backward();
            string what = $"ε {smoothing}, {reduction}";
            Assert.That(loss.Item(), Is.EqualTo(c.GetProperty("loss").GetDouble()).Within(2e-6), what);
            Assert.That(x.Grad!.ToArray(), Is.EqualTo(TrainingFixtures.Floats(c.GetProperty("grad"))).Within(1e-6f), what);
        }
    }

    [Test]
    public void OneHotTargetsEqualTheClassIndexForm()
    {
        var x = Tensor.RandomNormal([3, 4], seed: 2);
        int[] labels = [2, 0, 3];
        var oneHot = Tensor.Zeros(3, 4);
        for (int i = 0; i < 3; i++) oneHot.Span[i * 4 + labels[i]] = 1;
        Assert.That(Losses.CrossEntropy(x, oneHot, labelSmoothing: 0.1).Item(), Is.EqualTo(Losses.CrossEntropy(x, labels, labelSmoothing: 0.1).Item()).Within(1e-6));
        var perSample = Losses.CrossEntropy(x, oneHot, Reduction.None);
        Assert.That(perSample.Shape, Is.EqualTo(new Shape(3)));
        Assert.That(perSample.ToArray(), Is.EqualTo(Losses.CrossEntropy(x, labels, Reduction.None).ToArray()).Within(1e-6f));
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(x, Tensor.Zeros(3, 5)));
        oneHot.Span[0] = float.NaN;
        Assert.That(Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(x, oneHot))!.Message, Does.Contain("element 0"));
    }
}
