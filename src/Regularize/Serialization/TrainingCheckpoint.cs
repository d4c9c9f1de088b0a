using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Serialization;

/// <summary>
/// Saves and restores everything a training run needs to continue bit for bit: the model's parameters and buffers,
/// the optimizer's state, the schedulers, the data loader's position and the generators of modules such as Dropout
/// (<see cref="IStochasticModule"/>), with the epoch and step. (The trainer's callbacks are saved by
/// <c>Trainer.SaveCheckpoint</c>; this class leaves their states in a file alone.)
/// <code>
/// TrainingCheckpoint.Save("run.ckpt", new TrainingProgress(epoch, step), model, optimizer, [lr], loader);
/// // ... later, in a new process, with freshly built objects of the same configuration:
/// CheckpointInfo info = TrainingCheckpoint.Load("run.ckpt", model, optimizer, [lr], loader);
/// long step = info.Progress.Step;                                 // continue from here
/// </code>
/// </summary>
/// <remarks>
/// Saving is atomic (<see cref="AtomicFile"/>): a crash while writing leaves the previous checkpoint intact. Loading
/// validates the file completely (<see cref="CheckpointData.Read(string, long)"/>), then checks that it fits the given
/// objects, and only then changes them: a file that does not fit changes nothing. The file is a safetensors file; see
/// <see cref="CheckpointData"/> for the layout.
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>Writes a checkpoint of the given objects to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="progress">The epoch and step to record.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer, or null.</param>
    /// <param name="schedulers">The schedulers, if any.</param>
    /// <param name="loader">The data loader, if any.</param>
    /// <param name="plateaus">The plateau schedulers, if any.</param>
    /// <param name="metadata">The application's own strings to store with the checkpoint (a configuration, a metrics
    /// history), if any; <see cref="Load"/> returns them in <see cref="CheckpointInfo.Metadata"/>.</param>
    /// <exception cref="ArgumentException">A metadata entry uses the key <see cref="CheckpointData.MetadataKey"/> or has a null value.</exception>
    public static void Save(string path, TrainingProgress progress, Module model, Optimizer? optimizer,
        IEnumerable<Scheduler>? schedulers = null, DataLoader? loader = null, IEnumerable<ReduceOnPlateau>? plateaus = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckpointData.Capture(progress, model, optimizer, schedulers, loader, plateaus, metadata).Write(path);
    }

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/> and restores it into the given objects, which must be configured
    /// as the saved ones were (same parameter names and shapes, optimizer type and groups, schedulers, loader settings).
    /// Objects passed as null are left alone.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model to restore.</param>
    /// <param name="optimizer">The optimizer to restore, or null to leave it (and its state in the file unused).</param>
    /// <param name="schedulers">The schedulers to restore, in the saved order, or null.</param>
    /// <param name="loader">The data loader to restore, or null.</param>
    /// <param name="plateaus">The plateau schedulers to restore, in the saved order, or null.</param>
    /// <param name="strict">True to require that the model and the file hold the same tensors; false for a partial load
    /// whose report lists what was skipped.</param>
    /// <returns>The recorded progress and what was loaded.</returns>
    /// <exception cref="InvalidDataException">The file is damaged, not a checkpoint, or of an unknown format version.</exception>
    /// <exception cref="CheckpointMismatchException">The file does not fit the objects; nothing was changed.</exception>
    public static CheckpointInfo Load(string path, Module model, Optimizer? optimizer,
        IEnumerable<Scheduler>? schedulers = null, DataLoader? loader = null, IEnumerable<ReduceOnPlateau>? plateaus = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        return CheckpointData.Read(path).Restore(model, optimizer, schedulers, loader, plateaus, strict, path);
    }
}
