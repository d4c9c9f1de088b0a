using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// A dataset held in memory: the features of <c>N</c> examples as one row-major float32 block
/// (<c>N</c> × <see cref="SampleShape"/>) and one integer class label per example.
/// </summary>
/// <remarks>The dataset keeps a reference to the arrays it is given; it does not copy them.</remarks>
public sealed class InMemoryDataset : IDataset
{
    private readonly float[] _features;
    private readonly int _offset;
    private readonly int[] _labels;

    /// <summary>Creates a dataset from a block of features and their labels.</summary>
    /// <param name="features">The features, example after example: <c>labels.Length × sampleShape.Length</c> values.</param>
    /// <param name="labels">One label per example; each must be non-negative and, when <paramref name="classCount"/> is given, below it.</param>
    /// <param name="sampleShape">The shape of one example's features.</param>
    /// <param name="classCount">The number of classes, or null to use the largest label plus one.</param>
    /// <exception cref="ArgumentException">The lengths disagree, there are no examples, or a label is out of range.</exception>
    public InMemoryDataset(float[] features, int[] labels, Shape sampleShape, int? classCount = null)
        : this(features, 0, labels, sampleShape, classCount, features?.Length ?? 0)
    {
    }

    /// <summary>Creates a dataset from a features tensor of shape <c>[N, ...]</c> and <c>N</c> labels.</summary>
    /// <param name="features">The features; axis 0 indexes the examples and the remaining axes are <see cref="SampleShape"/>.</param>
    /// <param name="labels">One label per example; each must be non-negative and, when <paramref name="classCount"/> is given, below it.</param>
    /// <param name="classCount">The number of classes, or null to use the largest label plus one.</param>
    /// <exception cref="ArgumentException">The tensor is a scalar, the counts disagree, or a label is out of range.</exception>
    public InMemoryDataset(Tensor features, int[] labels, int? classCount = null)
        : this(Check(features).Storage, features.Offset, labels, SampleShapeOf(features), classCount, features.Length)
    {
    }

    private InMemoryDataset(float[] features, int offset, int[] labels, Shape sampleShape, int? classCount, int featureLength)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length == 0)
        {
            throw new ArgumentException("A dataset needs at least one example; the labels are empty.", nameof(labels));
        }
        if ((long)labels.Length * sampleShape.Length != featureLength)
        {
            throw new ArgumentException(
                $"{labels.Length} labels with sample shape {sampleShape} need {(long)labels.Length * sampleShape.Length} feature values, but there are {featureLength}.",
                nameof(features));
        }
        if (classCount is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "classCount must be positive.");
        }
        int max = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            if (y < 0 || y >= (classCount ?? int.MaxValue))
            {
                throw new ArgumentException(
                    $"Label {i} is {y}; labels must be between 0 and {(classCount ?? int.MaxValue) - 1}.", nameof(labels));
            }
            max = Math.Max(max, y);
        }
        _features = features;
        _offset = offset;
        _labels = labels;
        SampleShape = sampleShape;
        ClassCount = classCount ?? max + 1;
    }

    private static Tensor Check(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rank == 0)
        {
            throw new ArgumentException("The features tensor needs an example axis; it is a scalar.", nameof(features));
        }
        return features;
    }

    private static Shape SampleShapeOf(Tensor features) => new(features.Shape.ToArray()[1..]);

    /// <inheritdoc/>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public Shape SampleShape { get; }

    /// <summary>The number of classes: given at construction, or the largest label plus one.</summary>
    public int ClassCount { get; }

    /// <summary>All features, example after example.</summary>
    public ReadOnlySpan<float> Features => _features.AsSpan(_offset, _labels.Length * SampleShape.Length);

    /// <summary>All labels, in example order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <inheritdoc/>
    public int Get(int index, Span<float> destination)
    {
        if ((uint)index >= (uint)_labels.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset holds {_labels.Length} examples.");
        }
        int d = SampleShape.Length;
        if (destination.Length != d)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; an example of shape {SampleShape} has {d}.", nameof(destination));
        }
        _features.AsSpan(_offset + index * d, d).CopyTo(destination);
        return _labels[index];
    }

    /// <summary>How many examples carry each label, indexed by label (length <see cref="ClassCount"/>).</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int y in _labels) counts[y]++;
        return counts;
    }
}
