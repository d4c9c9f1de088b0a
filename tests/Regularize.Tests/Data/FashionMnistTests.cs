using Regularize.Data;
using static Regularize.Tests.Data.IdxTestFiles;

namespace Regularize.Tests.Data;

public class FashionMnistTests
{
    [Test]
    public void TheShippedSubsetHasTheStatedCountsAndBalance()
    {
        var (train, test) = FashionMnist.LoadBoth(RepoPaths.FashionMnistSubset);
        Assert.That(train.Count, Is.EqualTo(10_000));
        Assert.That(test.Count, Is.EqualTo(2_000));
        Assert.That(train.SampleShape.ToArray(), Is.EqualTo(new[] { 784 }));
        Assert.That(train.ClassCount, Is.EqualTo(10));
        // The balance stated in data/fashion-mnist/README.md.
        Assert.That(train.CountPerClass(), Is.EqualTo(new[] { 942, 1027, 1016, 1019, 974, 989, 1021, 1022, 990, 1000 }));
        Assert.That(test.CountPerClass(), Is.EqualTo(new[] { 200, 203, 214, 190, 219, 195, 197, 200, 194, 188 }));

        float min = float.MaxValue, max = float.MinValue;
        double sum = 0;
        foreach (float x in train.Features)
        {
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            sum += x;
        }
        Assert.That(min, Is.EqualTo(0f));
        Assert.That(max, Is.EqualTo(1f));
        Assert.That(sum / train.Features.Length, Is.EqualTo(0.2863).Within(1e-4)); // the subset's pixel mean
        Assert.That(FashionMnist.ClassNames, Has.Count.EqualTo(10));
        Assert.That(FashionMnist.ClassNames[9], Is.EqualTo("Ankle boot"));
    }

    [Test]
    public void TheSubsetFeedsADataLoader()
    {
        var train = FashionMnist.Load(RepoPaths.FashionMnistSubset, MnistSplit.Train);
        var loader = new DataLoader(train, batchSize: 64, seed: 1);
        int batches = 0, examples = 0;
        var perClass = new int[10];
        foreach (Batch b in loader)
        {
            Assert.That(b.Inputs.Shape.ToArray(), Is.EqualTo(new[] { b.Count, 784 }));
            foreach (int y in b.Labels) perClass[y]++;
            batches++;
            examples += b.Count;
        }
        Assert.That(batches, Is.EqualTo(157)); // 156 full batches and one of 16
        Assert.That(examples, Is.EqualTo(10_000));
        Assert.That(perClass, Is.EqualTo(train.CountPerClass()));
    }

    [Test]
    public void NormalizationAndUnflattenedShape()
    {
        var n = FashionMnist.TrainingSetNormalization;
        var test = FashionMnist.Load(RepoPaths.FashionMnistSubset, MnistSplit.Test, n, flatten: false);
        Assert.That(test.SampleShape.ToArray(), Is.EqualTo(new[] { 28, 28 }));
        var raw = FashionMnist.Load(RepoPaths.FashionMnistSubset, MnistSplit.Test);
        for (int i = 0; i < 5000; i += 37)
        {
            Assert.That(test.Features[i], Is.EqualTo((raw.Features[i] - n.Mean) / n.Std));
        }
        Assert.That(() => new PixelNormalization(0.5f, 0f), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void MismatchedFilesAreRejected()
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "mnist-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string images = Path.Combine(dir, "t10k-images-idx3-ubyte");
            string labels = Path.Combine(dir, "t10k-labels-idx1-ubyte.gz");
            File.WriteAllBytes(images, Idx(Sequence(3 * 2 * 2), 3, 2, 2));

            Assert.That(() => FashionMnist.Load(dir, MnistSplit.Test), Throws.InstanceOf<FileNotFoundException>());

            File.WriteAllBytes(labels, Gzip(Idx([1, 2], 2)));
            Assert.That(() => FashionMnist.Load(dir, MnistSplit.Test),
                Throws.InstanceOf<InvalidDataException>().With.Message.Contains("holds 3 images but").And.Message.Contains("holds 2 labels"));

            File.WriteAllBytes(labels, Gzip(Idx([1, 10, 2], 3)));
            Assert.That(() => FashionMnist.Load(dir, MnistSplit.Test),
                Throws.InstanceOf<InvalidDataException>().With.Message.Contains("label 1 is 10, but there are only 10 classes"));

            File.WriteAllBytes(labels, Gzip(Idx([1, 9, 2], 3)));
            var ok = FashionMnist.Load(dir, MnistSplit.Test);
            Assert.That(ok.Labels.ToArray(), Is.EqualTo(new[] { 1, 9, 2 }));
            Assert.That(ok.SampleShape.ToArray(), Is.EqualTo(new[] { 4 }));

            File.WriteAllBytes(images, Idx(Sequence(6), 3, 2));
            Assert.That(() => FashionMnist.Load(dir, MnistSplit.Test),
                Throws.InstanceOf<InvalidDataException>().With.Message.Contains("images must have rank 3"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    [Explicit("Reads the full set installed by Debian's dataset-fashion-mnist package; not present in CI.")]
    public void TheFullSetLoadsWithTheSameLoader()
    {
        const string full = "/usr/share/datasets/fashion-mnist";
        if (!Directory.Exists(full)) Assert.Ignore($"{full} is not installed.");
        var (train, test) = FashionMnist.LoadBoth(full);
        Assert.That(train.Count, Is.EqualTo(60_000));
        Assert.That(test.Count, Is.EqualTo(10_000));
        Assert.That(train.CountPerClass(), Is.All.EqualTo(6000));
        var subset = FashionMnist.Load(RepoPaths.FashionMnistSubset, MnistSplit.Train);
        Assert.That(train.Features[..(10_000 * 784)].SequenceEqual(subset.Features), Is.True);
    }
}
