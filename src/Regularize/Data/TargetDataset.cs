using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// A dataset held in memory whose targets are float arrays: features <c>[N, ...SampleShape]</c> and targets
/// <c>[N, ...TargetShape]</c>, for regression (<see cref="TargetKind.Regression"/>), multi-label classification
/// (<see cref="TargetKind.MultiLabel"/>) or soft class targets (<see cref="TargetKind.ClassProbabilities"/>).
/// </summary>
/// <remarks>
/// The dataset keeps the tensors it is given; it does not copy them. <see cref="Get"/> returns the arg-max of the
/// targets for class probabilities (so label-based code still sees a class) and 0 for the other kinds.
/// </remarks>
public sealed class TargetDataset : ITargetDataset
{
    private readonly Tensor _features, _targets;

    /// <summary>Creates the dataset.</summary>
    /// <param name="features">Features <c>[N, ...]</c>; axis 0 indexes the examples.</param>
    /// <param name="targets">Targets <c>[N, ...]</c>, finite; for <see cref="TargetKind.MultiLabel"/> in [0, 1].</param>
    /// <param name="kind">What the targets are; not <see cref="TargetKind.ClassIndices"/> (use <see cref="InMemoryDataset"/>).</param>
    /// <exception cref="ArgumentException">A tensor is a scalar, the example counts differ or are zero, the kind is
    /// <see cref="TargetKind.ClassIndices"/>, or a target is out of range.</exception>
    public TargetDataset(Tensor features, Tensor targets, TargetKind kind)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Rank == 0) throw new ArgumentException("The features tensor needs an example axis; it is a scalar.", nameof(features));
        if (targets.Rank == 0) throw new ArgumentException("The targets tensor needs an example axis; it is a scalar.", nameof(targets));
        if (features.Shape[0] != targets.Shape[0])
        {
            throw new ArgumentException($"features {features.Shape} and targets {targets.Shape} hold different numbers of examples.", nameof(targets));
        }
        if (features.Shape[0] == 0) throw new ArgumentException("A dataset needs at least one example; there are none.", nameof(features));
        if (kind is not (TargetKind.ClassProbabilities or TargetKind.Regression or TargetKind.MultiLabel))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A TargetDataset holds probabilities, regression or multi-label targets; use InMemoryDataset for class indices.");
        }
        var t = targets.Span;
        for (int i = 0; i < t.Length; i++)
        {
            bool ok = kind == TargetKind.MultiLabel ? t[i] >= 0f && t[i] <= 1f : float.IsFinite(t[i]);
            if (!ok)
            {
                throw new ArgumentException($"Target element {i} is {t[i]}; {(kind == TargetKind.MultiLabel ? "multi-label targets must be in [0, 1]" : "targets must be finite")}.", nameof(targets));
            }
        }
        _features = features;
        _targets = targets;
        TargetKind = kind;
        SampleShape = new Shape(features.Shape.ToArray()[1..]);
        TargetShape = new Shape(targets.Shape.ToArray()[1..]);
    }

    /// <inheritdoc/>
    public int Count => _features.Shape[0];

    /// <inheritdoc/>
    public Shape SampleShape { get; }

    /// <inheritdoc/>
    public Shape TargetShape { get; }

    /// <inheritdoc/>
    public TargetKind TargetKind { get; }

    /// <inheritdoc/>
    public int Get(int index, Span<float> destination)
    {
        CheckIndex(index);
        int d = SampleShape.Length;
        if (destination.Length != d)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; an example of shape {SampleShape} has {d}.", nameof(destination));
        }
        _features.Span.Slice(index * d, d).CopyTo(destination);
        return TargetKind == TargetKind.ClassProbabilities ? ArgMax(Row(index)) : 0;
    }

    /// <inheritdoc/>
    public void GetTargets(int index, Span<float> destination)
    {
        CheckIndex(index);
        if (destination.Length != TargetShape.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; a target of shape {TargetShape} has {TargetShape.Length}.", nameof(destination));
        }
        Row(index).CopyTo(destination);
    }

    private ReadOnlySpan<float> Row(int index) => _targets.Span.Slice(index * TargetShape.Length, TargetShape.Length);

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset holds {Count} examples.");
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best]) best = c;
        }
        return best;
    }
}
