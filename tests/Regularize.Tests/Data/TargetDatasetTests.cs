using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Tests.Data;

public class TargetDatasetTests
{
    [Test]
    public void TheLoaderCarriesTheTargetsInItsOrder()
    {
        var x = Tensor.FromArray([0, 1, 2, 3, 4], 5, 1);
        var t = Tensor.FromArray([0, 0.1f, 1, 1.1f, 2, 2.1f, 3, 3.1f, 4, 4.1f], 5, 2);
        var data = new TargetDataset(x, t, TargetKind.Regression);
        var loader = new DataLoader(data, 2, seed: 4);
        var order = loader.Order.ToArray();
        var seen = new List<float>();
        foreach (Batch b in loader)
        {
            Assert.That(b.TargetKind, Is.EqualTo(TargetKind.Regression));
            Assert.That(b.Targets!.Shape, Is.EqualTo(new Shape(b.Count, 2)));
            for (int i = 0; i < b.Count; i++)
            {
                Assert.That(b.Targets.Span[2 * i], Is.EqualTo(b.Inputs.Span[i]), "targets stay with their inputs");
                seen.Add(b.Inputs.Span[i]);
            }
        }
        Assert.That(seen, Is.EqualTo(order.Select(i => (float)i)));
    }

    [Test]
    public void ProbabilityTargetsGiveTheirArgMaxAsLabelAndBadTargetsAreRejected()
    {
        var probabilities = new TargetDataset(Tensor.Zeros(2, 3), Tensor.FromArray([0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f], 2, 3), TargetKind.ClassProbabilities);
        Assert.That(probabilities.Get(0, new float[3]), Is.EqualTo(1));
        Assert.That(probabilities.Get(1, new float[3]), Is.EqualTo(0));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new TargetDataset(Tensor.Zeros(2, 1), Tensor.FromArray([0, 2f], 2, 1), TargetKind.MultiLabel))!.Message,
            Does.Contain("[0, 1]"));
        Assert.Throws<ArgumentException>(() => _ = new TargetDataset(Tensor.Zeros(2, 1), Tensor.Zeros(3, 1), TargetKind.Regression));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TargetDataset(Tensor.Zeros(2, 1), Tensor.Zeros(2, 1), TargetKind.ClassIndices));
    }
}
