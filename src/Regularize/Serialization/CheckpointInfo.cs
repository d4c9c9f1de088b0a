namespace Regularize.Serialization;

/// <summary>What <see cref="TrainingCheckpoint.Load"/> restored.</summary>
/// <param name="Progress">The epoch and step recorded in the checkpoint: continue counting from there.</param>
/// <param name="Weights">Which parameters and buffers were loaded and, after a partial load, which were skipped.</param>
/// <param name="NotRestored">Parts the file holds but that were not restored because no object was given for them
/// (for example "optimizer" when the optimizer argument is null, or callback states outside the trainer), and module
/// generators skipped by a partial load.</param>
/// <param name="Metadata">The application's own entries saved with the checkpoint (<see cref="CheckpointData.Metadata"/>);
/// empty when there were none.</param>
public sealed record CheckpointInfo(TrainingProgress Progress, LoadReport Weights, IReadOnlyList<string> NotRestored,
    IReadOnlyDictionary<string, string> Metadata);
