using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Tests.Data;

public class DataLoaderTests
{
    /// <summary>N examples of shape [2]: example i is (i, -i) with label i % 10.</summary>
    private static InMemoryDataset Indexed(int n)
    {
        var x = new float[2 * n];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i % 10;
        }
        return new InMemoryDataset(x, y, new Shape(2));
    }

    /// <summary>The dataset indices of one epoch, read back from the batches' features.</summary>
    private static List<int> OneEpoch(DataLoader loader, List<int>? batchSizes = null)
    {
        var seen = new List<int>();
        foreach (Batch b in loader)
        {
            batchSizes?.Add(b.Count);
            Assert.That(b.Inputs.Shape.ToArray(), Is.EqualTo(new[] { b.Count, 2 }));
            Assert.That(b.Labels, Has.Length.EqualTo(b.Count));
            for (int i = 0; i < b.Count; i++)
            {
                int index = (int)b.Inputs[i, 0];
                Assert.That(b.Inputs[i, 1], Is.EqualTo(-index));
                Assert.That(b.Labels[i], Is.EqualTo(index % 10));
                seen.Add(index);
            }
        }
        return seen;
    }

    [Test]
    public void EachEpochIsAPermutationAndEpochsDiffer()
    {
        var loader = new DataLoader(Indexed(103), batchSize: 10, seed: 7);
        var sizes = new List<int>();
        List<int> e0 = OneEpoch(loader, sizes);
        Assert.That(loader.Epoch, Is.EqualTo(1));
        List<int> e1 = OneEpoch(loader);
        Assert.That(e0.Order(), Is.EqualTo(Enumerable.Range(0, 103)));
        Assert.That(e1.Order(), Is.EqualTo(Enumerable.Range(0, 103)));
        Assert.That(e0, Is.Not.EqualTo(Enumerable.Range(0, 103)));
        Assert.That(e1, Is.Not.EqualTo(e0));
        Assert.That(sizes, Is.EqualTo(new[] { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3 }));
        Assert.That(loader.BatchesPerEpoch, Is.EqualTo(11));
    }

    [Test]
    public void ABatchLargerThanTheDatasetIsOneBatch()
    {
        var loader = new DataLoader(Indexed(7), batchSize: int.MaxValue, seed: 3);
        Assert.That(loader.BatchesPerEpoch, Is.EqualTo(1), "the ceiling division must not overflow");
        var sizes = new List<int>();
        Assert.That(OneEpoch(loader, sizes).Order(), Is.EqualTo(Enumerable.Range(0, 7)));
        Assert.That(sizes, Is.EqualTo(new[] { 7 }));
    }

    [TestCase(103, 10, false, 11)]
    [TestCase(103, 10, true, 10)]
    [TestCase(100, 10, false, 10)]
    [TestCase(1, 1, false, 1)]
    [TestCase(0, 5, false, 0)]
    [TestCase(int.MaxValue, int.MaxValue, false, 1)]
    [TestCase(int.MaxValue, 2, false, 1 << 30)]
    [TestCase(5, int.MaxValue, false, 1)]
    [TestCase(5, int.MaxValue, true, 0)]
    [TestCase(int.MaxValue, int.MaxValue - 1, false, 2)]
    public void CountBatchesIsTheCeilingOrFloorWithoutOverflow(int examples, int batchSize, bool dropLast, int expected) =>
        Assert.That(DataLoader.CountBatches(examples, batchSize, dropLast), Is.EqualTo(expected));

    [Test]
    public void TheSameSeedGivesTheSameOrdersAndAnotherSeedOthers()
    {
        var a = new DataLoader(Indexed(50), 8, seed: 3);
        var b = new DataLoader(Indexed(50), 8, seed: 3);
        var c = new DataLoader(Indexed(50), 8, seed: 4);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            List<int> ea = OneEpoch(a), eb = OneEpoch(b), ec = OneEpoch(c);
            Assert.That(eb, Is.EqualTo(ea));
            Assert.That(ec, Is.Not.EqualTo(ea));
        }
    }

    [Test]
    public void AnEpochsOrderDependsOnlyOnTheSeedAndTheEpoch()
    {
        // One loader consumes epoch 0 partly (breaking out); the next epoch is the same as for a loader that read all of it.
        var full = new DataLoader(Indexed(40), 6, seed: 11);
        OneEpoch(full);
        List<int> expected = OneEpoch(full);

        var partial = new DataLoader(Indexed(40), 6, seed: 11);
        Assert.That(partial.TryNext(out _), Is.True);
        var state = partial.GetState();
        state = state with { Position = 40 }; // pretend the epoch was finished
        partial.SetState(state);
        Assert.That(partial.TryNext(out _), Is.False);
        Assert.That(partial.Epoch, Is.EqualTo(1));
        Assert.That(OneEpoch(partial), Is.EqualTo(expected));
    }

    [Test]
    public void ASavedStateResumesMidEpochExactly()
    {
        var reference = new DataLoader(Indexed(97), 8, seed: 5);
        var batches = new List<int[]>();
        for (int i = 0; i < 40; i++) batches.Add(FirstColumn(reference.Next()));

        var first = new DataLoader(Indexed(97), 8, seed: 5);
        for (int i = 0; i < 17; i++) first.Next(); // epoch 1, mid-way (13 batches per epoch)
        DataLoaderState saved = first.GetState();
        Assert.That(saved.Epoch, Is.EqualTo(1));
        Assert.That(saved.Position, Is.EqualTo(4 * 8));

        var resumed = new DataLoader(Indexed(97), 8, seed: 999); // the seed is irrelevant once the state is set
        resumed.SetState(saved);
        Assert.That(resumed.GetState(), Is.EqualTo(saved));
        for (int i = 17; i < 40; i++)
        {
            Assert.That(FirstColumn(resumed.Next()), Is.EqualTo(batches[i]), $"batch {i}");
        }
    }

    private static int[] FirstColumn(Batch b) => Enumerable.Range(0, b.Count).Select(i => (int)b.Inputs[i, 0]).ToArray();

    [Test]
    public void DropLastSkipsTheFinalPartialBatch()
    {
        var loader = new DataLoader(Indexed(23), 5, seed: 1, dropLast: true);
        var sizes = new List<int>();
        List<int> seen = OneEpoch(loader, sizes);
        Assert.That(sizes, Is.EqualTo(new[] { 5, 5, 5, 5 }));
        Assert.That(seen.Distinct().Count(), Is.EqualTo(20));
        Assert.That(loader.BatchesPerEpoch, Is.EqualTo(4));
        Assert.That(() => new DataLoader(Indexed(3), 5, dropLast: true), Throws.ArgumentException);
    }

    [Test]
    public void WithoutShuffleTheOrderIsTheIndexOrder()
    {
        var loader = new DataLoader(Indexed(12), 5, shuffle: false);
        var sizes = new List<int>();
        Assert.That(OneEpoch(loader, sizes), Is.EqualTo(Enumerable.Range(0, 12)));
        Assert.That(sizes, Is.EqualTo(new[] { 5, 5, 2 }));
        Assert.That(OneEpoch(loader), Is.EqualTo(Enumerable.Range(0, 12)));
    }

    [Test]
    public void BuffersAreReusedAndAnEpochAllocatesNothingAfterWarmUp()
    {
        var loader = new DataLoader(Indexed(1000), 64, seed: 2);
        Tensor? full = null, partial = null;
        foreach (Batch b in loader)
        {
            if (b.Count == 64) full ??= b.Inputs; else partial = b.Inputs;
        }
        foreach (Batch b in loader)
        {
            Assert.That(b.Inputs, Is.SameAs(b.Count == 64 ? full : partial));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int batches = 0;
        for (int epoch = 0; epoch < 5; epoch++)
        {
            foreach (Batch b in loader) batches += b.Count > 0 ? 1 : 0;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(batches, Is.EqualTo(5 * 16));
        Assert.That(allocated, Is.EqualTo(0));
    }

    [Test]
    public void InvalidArgumentsAndStatesAreRejected()
    {
        Assert.That(() => new DataLoader(Indexed(3), 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        var loader = new DataLoader(Indexed(10), 3);
        Assert.That(() => loader.SetState(new DataLoaderState(-1, 0, [1, 2, 3, 4])), Throws.ArgumentException);
        Assert.That(() => loader.SetState(new DataLoaderState(0, 11, [1, 2, 3, 4])), Throws.ArgumentException);
        Assert.That(() => loader.SetState(new DataLoaderState(0, 0, [0, 0, 0, 0])), Throws.ArgumentException);
        Assert.That(() => loader.SetState(new DataLoaderState(0, 0, [1, 2, 3])), Throws.ArgumentException);
    }
}
