using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Tests.Data;

/// <summary>The loader's random crop, flip and erasing: what each does to an image, exact resume, seeding, no allocation.</summary>
public class AugmentationTests
{
    private const int H = 7, W = 9;

    /// <summary>Examples whose pixels are all distinct and non-zero (100·example + index + 1), so any shift, flip or erasure shows.</summary>
    private static InMemoryDataset Images(int count, int channels = 1)
    {
        int d = channels * H * W;
        var features = new float[count * d];
        for (int i = 0; i < features.Length; i++) features[i] = 100 * (i / d) + i % d + 1;
        return new InMemoryDataset(features, Enumerable.Range(0, count).Select(i => i % 3).ToArray(), new Shape(d));
    }

    private static float[][] Epoch(DataLoader loader)
    {
        var batches = new List<float[]>();
        foreach (var b in loader) batches.Add(b.Inputs.ToArray());
        return [.. batches];
    }

    [Test]
    public void Crop_shifts_each_image_by_at_most_the_padding_and_fills_the_rest()
    {
        var data = Images(40);
        var loader = new DataLoader(data, 8, shuffle: false, augmentation: new Augmentation(1, H, W, cropPadding: 2, fill: -1f, seed: 3));
        var shifts = new HashSet<(int, int)>();
        int index = 0;
        foreach (var batch in loader)
        {
            var x = batch.Inputs.ToArray();
            for (int e = 0; e < batch.Count; e++, index++)
            {
                var got = x.AsSpan(e * H * W, H * W).ToArray();
                var found = Enumerable.Range(-2, 5).SelectMany(dy => Enumerable.Range(-2, 5).Select(dx => (dy, dx)))
                    .Where(s => Enumerable.Range(0, H * W).All(p =>
                    {
                        int r = p / W + s.dy, c = p % W + s.dx;
                        float expected = r < 0 || r >= H || c < 0 || c >= W ? -1f : 100 * index + r * W + c + 1;
                        return got[p] == expected;
                    })).ToArray();
                Assert.That(found, Has.Length.EqualTo(1), $"example {index} is the original shifted by one (dy, dx) in [-2, 2]²");
                shifts.Add(found[0]);
            }
        }
        Assert.That(shifts.Count, Is.GreaterThan(10), "the offsets vary");
    }

    [Test]
    public void Flip_reverses_every_row_of_every_channel()
    {
        var data = Images(6, channels: 2);
        var plain = Epoch(new DataLoader(data, 6, shuffle: false))[0];
        var flipped = Epoch(new DataLoader(data, 6, shuffle: false, augmentation: new Augmentation(2, H, W, flipProbability: 1)))[0];
        for (int row = 0; row < 6 * 2 * H; row++)
        {
            Assert.That(flipped.AsSpan(row * W, W).ToArray(), Is.EqualTo(plain.AsSpan(row * W, W).ToArray().Reverse().ToArray()), $"row {row}");
        }
    }

    [Test]
    public void Erasing_fills_one_rectangle_of_2_to_33_percent_in_every_channel()
    {
        var data = Images(30, channels: 2);
        var plain = Epoch(new DataLoader(data, 30, shuffle: false))[0];
        var erased = Epoch(new DataLoader(data, 30, shuffle: false, augmentation: new Augmentation(2, H, W, erasingProbability: 1, fill: 0f, seed: 5)))[0];
        int touched = 0;
        for (int e = 0; e < 30; e++)
        {
            var cells = new List<(int R, int C)>();
            for (int c = 0; c < 2; c++)
                for (int p = 0; p < H * W; p++)
                {
                    int i = (e * 2 + c) * H * W + p;
                    if (erased[i] != plain[i])
                    {
                        Assert.That(erased[i], Is.EqualTo(0f));
                        if (c == 0) cells.Add((p / W, p % W));
                        else Assert.That(erased[(e * 2) * H * W + p], Is.EqualTo(0f), "the same rectangle in every channel");
                    }
                }
            if (cells.Count == 0) continue; // ten tries that did not fit: left unchanged, as torchvision
            touched++;
            int rows = cells.Max(x => x.R) - cells.Min(x => x.R) + 1, cols = cells.Max(x => x.C) - cells.Min(x => x.C) + 1;
            Assert.That(cells, Has.Count.EqualTo(rows * cols), "a full rectangle");
            Assert.That(rows, Is.LessThan(H));
            Assert.That(cols, Is.LessThan(W));
        }
        Assert.That(touched, Is.GreaterThan(20));
    }

    [Test]
    public void A_restored_loader_augments_the_rest_exactly_as_the_uninterrupted_one()
    {
        var data = Images(50);
        Augmentation Make() => Augmentation.Standard(1, H, W, fill: -0.5f, seed: 9);
        var a = new DataLoader(data, 8, seed: 4, augmentation: Make());
        Epoch(a);
        for (int i = 0; i < 3; i++) a.Next();
        var state = a.GetState();
        var rest = Enumerable.Range(0, 10).Select(_ => a.Next().Inputs.ToArray()).ToArray();

        var b = new DataLoader(data, 8, seed: 4, augmentation: Make());
        b.SetState(state);
        for (int i = 0; i < 10; i++) Assert.That(b.Next().Inputs.ToArray(), Is.EqualTo(rest[i]), $"batch {i} after the restore");

        var first = Epoch(new DataLoader(data, 8, seed: 4, augmentation: Make()));
        var second = new DataLoader(data, 8, seed: 4, augmentation: Make());
        Assert.That(Epoch(second), Is.EqualTo(first), "same seeds, same batches");
        Assert.That(Epoch(second), Is.Not.EqualTo(first), "the next epoch draws other transforms");
        Assert.That(Epoch(new DataLoader(data, 8, seed: 4, augmentation: Augmentation.Standard(1, H, W, fill: -0.5f, seed: 10))),
            Is.Not.EqualTo(first), "another augmentation seed, other transforms");
    }

    [Test]
    public void Augmenting_allocates_nothing_after_the_first_epoch()
    {
        var loader = new DataLoader(Images(64), 16, seed: 1, augmentation: Augmentation.Standard(1, H, W));
        foreach (var _ in loader) { }
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var _ in loader) { }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }

    [Test]
    public void Bad_arguments_are_named()
    {
        Assert.That(() => new DataLoader(Images(4), 2, augmentation: new Augmentation(1, 28, 28)),
            Throws.ArgumentException.With.Message.Contains("1×28×28").And.Message.Contains("[63]"));
        Assert.That(() => new Augmentation(1, H, W, flipProbability: 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("flipProbability"));
        Assert.That(() => new Augmentation(1, H, W, cropPadding: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
