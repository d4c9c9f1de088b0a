namespace Regularize.Training;

/// <summary>Raised by <see cref="Trainer"/> before the first batch of an epoch.</summary>
/// <param name="epoch">The epoch, counting from 1 (on from a resumed checkpoint's epoch).</param>
/// <param name="epochs">The number of the last epoch this <see cref="Trainer.Fit"/> will run.</param>
/// <param name="batchesPerEpoch">The number of batches the epoch will have.</param>
public sealed class EpochStartedEventArgs(int epoch, int epochs, int batchesPerEpoch) : EventArgs
{
    /// <summary>The epoch, counting from 1 (on from a resumed checkpoint's epoch).</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The number of the last epoch this <see cref="Trainer.Fit"/> will run.</summary>
    public int Epochs { get; } = epochs;

    /// <summary>The number of batches the epoch will have.</summary>
    public int BatchesPerEpoch { get; } = batchesPerEpoch;
}
