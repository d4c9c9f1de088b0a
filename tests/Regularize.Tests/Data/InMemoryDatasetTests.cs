using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Tests.Data;

public class InMemoryDatasetTests
{
    [Test]
    public void GetCopiesOneExampleAndReturnsItsLabel()
    {
        var ds = new InMemoryDataset([0, 1, 2, 3, 4, 5], [2, 0, 1], new Shape(2));
        Span<float> x = stackalloc float[2];
        Assert.That(ds.Get(1, x), Is.EqualTo(0));
        Assert.That(x.ToArray(), Is.EqualTo(new float[] { 2, 3 }));
        Assert.That(ds.ClassCount, Is.EqualTo(3));
        Assert.That(ds.CountPerClass(), Is.EqualTo(new[] { 1, 1, 1 }));
    }

    [Test]
    public void ATensorViewIsReadFromItsOffset()
    {
        var all = Tensor.Arange(0, 24).Reshape(6, 2, 2);
        var ds = new InMemoryDataset(all.Rows(2, 3), [0, 1, 0], classCount: 2);
        Assert.That(ds.SampleShape.ToArray(), Is.EqualTo(new[] { 2, 2 }));
        Span<float> x = stackalloc float[4];
        ds.Get(0, x);
        Assert.That(x.ToArray(), Is.EqualTo(new float[] { 8, 9, 10, 11 }));
    }

    [Test]
    public void InvalidInputsAreRejectedWithAMessage()
    {
        Assert.That(() => new InMemoryDataset(new float[5], [0, 1, 2], new Shape(2)),
            Throws.ArgumentException.With.Message.Contains("need 6 feature values, but there are 5"));
        Assert.That(() => new InMemoryDataset(new float[4], [0, -1], new Shape(2)),
            Throws.ArgumentException.With.Message.Contains("Label 1 is -1"));
        Assert.That(() => new InMemoryDataset(new float[4], [0, 3], new Shape(2), classCount: 3),
            Throws.ArgumentException.With.Message.Contains("Label 1 is 3; labels must be between 0 and 2"));
        Assert.That(() => new InMemoryDataset([], [], new Shape(2)), Throws.ArgumentException);
        var ds = new InMemoryDataset(new float[4], [0, 1], new Shape(2));
        Assert.That(() => ds.Get(2, new float[2]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ds.Get(0, new float[3]), Throws.ArgumentException);
    }
}
