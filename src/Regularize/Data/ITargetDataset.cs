using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// A dataset whose targets are float arrays of one fixed shape (class probabilities, regression values or multi-label
/// indicators) rather than, or besides, class labels. A <see cref="DataLoader"/> fills <see cref="Batch.Targets"/> from it.
/// </summary>
public interface ITargetDataset : IDataset
{
    /// <summary>The shape of one example's targets.</summary>
    Shape TargetShape { get; }

    /// <summary>What the targets are.</summary>
    TargetKind TargetKind { get; }

    /// <summary>Writes example <paramref name="index"/>'s targets into <paramref name="destination"/>.</summary>
    /// <param name="index">Which example, from 0 to <see cref="IDataset.Count"/> − 1.</param>
    /// <param name="destination">Receives <c>TargetShape.Length</c> values in row-major order.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the dataset.</exception>
    /// <exception cref="ArgumentException">The destination's length differs from <c>TargetShape.Length</c>.</exception>
    void GetTargets(int index, Span<float> destination);
}
