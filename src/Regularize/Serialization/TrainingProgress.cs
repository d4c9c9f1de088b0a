namespace Regularize.Serialization;

/// <summary>Where a training run stands when a checkpoint is taken: the epoch and the global step (optimizer steps taken so far).</summary>
/// <param name="Epoch">The current epoch, counting from 0; not negative.</param>
/// <param name="Step">The number of optimizer steps taken; not negative.</param>
public readonly record struct TrainingProgress(long Epoch, long Step);
