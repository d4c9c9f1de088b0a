using Regularize.Data;

namespace Regularize.Serialization;

/// <summary>
/// A data loader's place in a checkpoint: its <see cref="DataLoaderState"/> and the configuration that state only
/// makes sense for, which restoring checks (resuming with another batch size or dataset would silently change the
/// batches).
/// </summary>
/// <param name="State">The epoch, position and shuffling generator state.</param>
/// <param name="DatasetSize">The number of examples in the dataset.</param>
/// <param name="BatchSize">The number of examples per batch.</param>
/// <param name="Shuffle">Whether each epoch is shuffled.</param>
/// <param name="DropLast">Whether a final partial batch is skipped.</param>
public sealed record DataLoaderCheckpoint(DataLoaderState State, int DatasetSize, int BatchSize, bool Shuffle, bool DropLast)
{
    /// <summary>Captures a loader's state and configuration.</summary>
    /// <param name="loader">The loader.</param>
    public static DataLoaderCheckpoint Capture(DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return new(loader.GetState(), loader.Dataset.Count, loader.BatchSize, loader.Shuffle, loader.DropLast);
    }
}
