using System.Text.Json;
using Regularize.Nn;
using Regularize.Tensors;
using Regularize.Tests.Tensors;

namespace Regularize.Tests.Nn;

/// <summary>
/// The loss options a PyTorch script relies on, against <c>torch.nn.functional</c> 1.13 (Fixtures/functional):
/// <see cref="Reduction.None"/>, cross-entropy class weights, <c>ignoreIndex</c> (the default −100 and a class index),
/// and label smoothing combined with both, in every reduction; values and the gradient with respect to the logits.
/// Tolerance 1e-5 relative + 1e-6 absolute: the log-softmax and sums are formed in another order than PyTorch's.
/// </summary>
public class LossOptionsTests
{
    private static IEnumerable<string> CrossEntropyCases() => FunctionalReference.Names("ce_").Where(n => n != "ce_all_ignored_mean");

    [TestCaseSource(nameof(CrossEntropyCases))]
    public void CrossEntropy_MatchesTorch(string name)
    {
        var record = FunctionalReference.Case(name);
        int[] targets = FunctionalReference.Ints(record.GetProperty("targets"));
        var reduction = record.GetProperty("reduction").GetString() switch
        {
            "mean" => Reduction.Mean,
            "sum" => Reduction.Sum,
            _ => Reduction.None,
        };
        double smoothing = record.GetProperty("label_smoothing").GetDouble();
        int ignore = record.GetProperty("ignore_index").GetInt32();
        var weightsRecord = record.GetProperty("weights");
        Tensor? weights = weightsRecord.ValueKind == JsonValueKind.Null ? null : FunctionalReference.Tensor(weightsRecord);
        FunctionalReference.CheckValueAndGradient(name, logits =>
        {
            var loss = Losses.CrossEntropy(logits, targets, reduction, smoothing, weights, ignore);
            return reduction == Reduction.None ? loss : loss.Reshape(1);
        });
    }

    [Test]
    public void CrossEntropy_EveryTargetIgnored_MeanIsNaN()
    {
        var logits = FunctionalReference.Tensor("ce_all_ignored_mean", "x");
        Assert.That(float.IsNaN(FunctionalReference.Tensor("ce_all_ignored_mean", "y").Span[0]), Is.True, "the fixture itself");
        var loss = Losses.CrossEntropy(logits, Enumerable.Repeat(-100, logits.Shape[0]).ToArray());
        Assert.That(float.IsNaN(loss.Item()), Is.True);
    }

    [Test]
    public void CrossEntropy_WithoutOptions_IsUnchanged()
    {
        // The weighted/ignoring path with all weights 1 and nothing ignored must give what the plain path gives.
        var logits = Tensor.RandomNormal([6, 4], seed: 8);
        int[] targets = [0, 3, 1, 1, 2, 3];
        var ones = Tensor.Full(1f, 4);
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            foreach (double eps in new[] { 0.0, 0.1 })
            {
                var plain = Losses.CrossEntropy(logits, targets, reduction, eps).ToArray();
                var weighted = Losses.CrossEntropy(logits, targets, reduction, eps, weights: ones).ToArray();
                Assert.That(weighted, Is.EqualTo(plain).Within(2e-6), $"{reduction}, ε = {eps}");
            }
        }
    }

    [Test]
    public void MeanSquaredError_None_MatchesTorch()
    {
        var target = FunctionalReference.Tensor(FunctionalReference.Case("mse_none").GetProperty("target"));
        FunctionalReference.CheckValueAndGradient("mse_none", p => Losses.MeanSquaredError(p, target, Reduction.None));
    }

    [Test]
    public void BinaryCrossEntropyWithLogits_None_MatchesTorch()
    {
        var target = FunctionalReference.Tensor(FunctionalReference.Case("bce_logits_none").GetProperty("target"));
        FunctionalReference.CheckValueAndGradient("bce_logits_none", x => Losses.BinaryCrossEntropyWithLogits(x, target, Reduction.None));
    }

    [Test]
    public void CrossEntropy_WithEveryOption_PassesGradCheck([Values] Reduction reduction)
    {
        // Weights, an ignored sample and smoothing together; the finite differences see the whole composition.
        var weights = Tensor.FromArray([0.5f, 2f, 1f, 3f], 4);
        var result = Regularize.Autograd.GradCheck.Check(
            x => Losses.CrossEntropy(x[0], [0, 3, -1, 1, 2], reduction, labelSmoothing: 0.2, weights: weights, ignoreIndex: -1).Reshape(-1),
            [Tensor.RandomNormal([5, 4], seed: 12)]);
        TestContext.Out.WriteLine(result.ToString());
        Assert.That(result.IsWithin(2e-3), Is.True, result.ToString());
    }

    [Test]
    public void BadOptions_AreRejectedByName()
    {
        var logits = Tensor.Zeros(3, 4);
        var wrongShape = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 1, 2], weights: Tensor.Zeros(3)))!;
        Assert.That(wrongShape.ParamName, Is.EqualTo("weights"));
        Assert.That(wrongShape.Message, Does.Contain("[4]"));
        var nonFinite = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 1, 2], weights: Tensor.FromArray([1f, float.NaN, 1f, 1f], 4)))!;
        Assert.That(nonFinite.Message, Does.Contain("weights[1]"));
        var badTarget = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, -100, 7], ignoreIndex: -100))!;
        Assert.That(badTarget.Message, Does.Contain("targets[2] = 7"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, [0, 1, 2], (Reduction)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.MeanSquaredError(logits, logits, (Reduction)9));
    }
}
