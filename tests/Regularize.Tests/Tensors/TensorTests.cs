using Regularize.Tensors;

namespace Regularize.Tests.Tensors;

public class TensorTests
{
    [Test]
    public void CreationAndAccess()
    {
        var t = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.That(t.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(t.Rank, Is.EqualTo(2));
        Assert.That(t.Length, Is.EqualTo(6));
        Assert.That(t[1, 2], Is.EqualTo(6f));
        Assert.That(t.Shape.ToString(), Is.EqualTo("[2,3]"));
        Assert.That(Tensor.Zeros(3).ToArray(), Is.EqualTo(new float[3]));
        Assert.That(Tensor.Ones(2, 2).ToArray(), Is.All.EqualTo(1f));
        Assert.That(Tensor.Full(2.5f, 4).ToArray(), Is.All.EqualTo(2.5f));
        Assert.That(Tensor.Arange(0, 2, 0.5f).ToArray(), Is.EqualTo(new[] { 0f, 0.5f, 1f, 1.5f }));
        Assert.That(Tensor.Scalar(3).Item(), Is.EqualTo(3f));
        Assert.That(Tensor.Scalar(3).Rank, Is.EqualTo(0));
    }

    [Test]
    public void FromArrayCopies()
    {
        float[] data = [1, 2];
        var t = Tensor.FromArray(data);
        data[0] = 9;
        Assert.That(t.ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void BadShapesAndDataAreRejectedWithMessages()
    {
        Assert.That(() => Tensor.Zeros(2, 0), Throws.ArgumentException.With.Message.Contains("[2,0]").And.Message.Contains("dimension 1 is 0"));
        Assert.That(() => Tensor.Zeros(-1), Throws.ArgumentException.With.Message.Contains("-1"));
        Assert.That(() => Tensor.FromArray([1, 2, 3], 2, 2), Throws.ArgumentException.With.Message.Contains("3 values").And.Message.Contains("[2,2]"));
        Assert.That(() => Tensor.Zeros(100000, 100000), Throws.ArgumentException.With.Message.Contains("more than"));
        Assert.That(() => Tensor.RandomNormal([2], mean: float.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("mean"));
        Assert.That(() => Tensor.RandomNormal([2], std: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("std"));
        Assert.That(() => Tensor.RandomUniform([2], 1, 0), Throws.ArgumentException.With.Message.Contains("low"));
        Assert.That(() => Tensor.Ones(2).Item(), Throws.InvalidOperationException.With.Message.Contains("[2]"));
        Assert.That(() => Tensor.Arange(0, 1, 0), Throws.ArgumentException);
    }

    [Test]
    public void ReshapeSharesStorageAndInfersMinusOne()
    {
        var t = Tensor.Arange(0, 12);
        var r = t.Reshape(3, -1);
        Assert.That(r.Shape, Is.EqualTo(new Shape(3, 4)));
        r[2, 3] = 100;
        Assert.That(t[11], Is.EqualTo(100f));
        Assert.That(() => t.Reshape(5, -1), Throws.ArgumentException.With.Message.Contains("[12]"));
        Assert.That(() => t.Reshape(-1, -1), Throws.ArgumentException.With.Message.Contains("only one"));
        Assert.That(() => t.Reshape(2, 5), Throws.ArgumentException.With.Message.Contains("[2,5]"));
    }

    [Test]
    public void RowsIsAViewOfConsecutiveRows()
    {
        var t = Tensor.Arange(0, 12).Reshape(4, 3);
        var rows = t.Rows(1, 2);
        Assert.That(rows.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(rows.ToArray(), Is.EqualTo(new float[] { 3, 4, 5, 6, 7, 8 }));
        rows[0, 0] = -1;
        Assert.That(t[1, 0], Is.EqualTo(-1f));
        Assert.That(() => t.Rows(3, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("[4,3]"));
    }

    [Test]
    public void TransposeAndConcat()
    {
        var t = Tensor.Arange(0, 6).Reshape(2, 3);
        Assert.That(t.Transpose().ToArray(), Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }));
        var big = Tensor.RandomNormal([37, 70], seed: 3);
        var bt = big.Transpose();
        for (int i = 0; i < 37; i++) for (int j = 0; j < 70; j++) Assert.That(bt[j, i], Is.EqualTo(big[i, j]));
        var c0 = Tensor.Concat([t, Tensor.Ones(1, 3)]);
        Assert.That(c0.ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5, 1, 1, 1 }));
        var c1 = Tensor.Concat([t, Tensor.Full(9, 2, 1)], axis: 1);
        Assert.That(c1.ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 9, 3, 4, 5, 9 }));
        Assert.That(() => Tensor.Concat([t, Tensor.Ones(2, 2)]), Throws.ArgumentException.With.Message.Contains("[2,3], [2,2]"));
    }

    [Test]
    public void RngIsXoshiro256StarStarSeededBySplitMix64()
    {
        // Known answers computed independently (a Python transcription of the two published algorithms) for seed 42.
        var rng = new Rng(42);
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x15780b2e0c2ec716UL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x6104d9866d113a7eUL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0xae17533239e499a1UL));
    }

    [Test]
    public void RandomTensorsAreSeededAndHaveTheRightMoments()
    {
        var a = Tensor.RandomNormal([100_000], 2f, 3f, seed: 7);
        var b = Tensor.RandomNormal([100_000], 2f, 3f, seed: 7);
        Assert.That(a.ToArray(), Is.EqualTo(b.ToArray()));
        double mean = a.ToArray().Average(v => (double)v);
        double var = a.ToArray().Average(v => (v - mean) * (v - mean));
        // Standard errors for n = 1e5: mean 3/316 ≈ 0.0095, variance ≈ 9·√(2/n) ≈ 0.04; allow about 4 of each.
        Assert.That(mean, Is.EqualTo(2).Within(0.04));
        Assert.That(var, Is.EqualTo(9).Within(0.16));
        var u = Tensor.RandomUniform([100_000], -1, 3, seed: 1).ToArray();
        Assert.That(u.Min(), Is.GreaterThanOrEqualTo(-1f));
        Assert.That(u.Max(), Is.LessThan(3f));
        Assert.That(u.Average(v => (double)v), Is.EqualTo(1).Within(0.03));
        Assert.That(Tensor.RandomNormal([5], seed: 8).ToArray(), Is.Not.EqualTo(a.ToArray().Take(5).ToArray()));
    }

    [Test]
    public void RngStateRoundTripsAndNextIntIsInRange()
    {
        var rng = new Rng(5);
        rng.NextUInt64();
        var state = rng.GetState();
        var expected = Enumerable.Range(0, 5).Select(_ => rng.NextInt(10)).ToArray();
        var other = new Rng(0);
        other.SetState(state);
        Assert.That(Enumerable.Range(0, 5).Select(_ => other.NextInt(10)).ToArray(), Is.EqualTo(expected));
        Assert.That(expected, Is.All.InRange(0, 9));
        Assert.That(() => other.SetState(new ulong[4]), Throws.ArgumentException);

        // A state taken between the two samples of a polar-method pair restores the cached one too.
        var normal = new Rng(11);
        normal.NextNormal();
        var mid = normal.GetState();
        double next = normal.NextNormal();
        var restored = new Rng(0);
        restored.SetState(mid);
        Assert.That(restored.NextNormal(), Is.EqualTo(next));
    }
}
