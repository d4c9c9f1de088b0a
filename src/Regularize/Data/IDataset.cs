using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// A finite, indexable collection of labelled examples whose features are float32 arrays of one
/// fixed shape. A <see cref="DataLoader"/> batches any dataset.
/// </summary>
public interface IDataset
{
    /// <summary>The number of examples.</summary>
    int Count { get; }

    /// <summary>The shape of one example's features (for a flattened 28×28 image, <c>[784]</c>).</summary>
    Shape SampleShape { get; }

    /// <summary>Writes example <paramref name="index"/>'s features into <paramref name="destination"/> and returns its label.</summary>
    /// <param name="index">Which example, from 0 to <see cref="Count"/> − 1.</param>
    /// <param name="destination">Receives <c>SampleShape.Length</c> values in row-major order.</param>
    /// <returns>The example's class label.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the dataset.</exception>
    /// <exception cref="ArgumentException">The destination's length differs from <c>SampleShape.Length</c>.</exception>
    int Get(int index, Span<float> destination);
}
