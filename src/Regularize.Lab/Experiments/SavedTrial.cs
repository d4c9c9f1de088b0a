using Regularize.Serialization;
using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>A trial's state read from its checkpoint: the training state, the initial weight norm and the epochs so far.</summary>
internal sealed record SavedTrial(CheckpointData Data, double InitialDecayedWeightNorm, IReadOnlyList<EpochMetrics> History)
{
    /// <summary>True when the trial needs no more training: all epochs ran, or it diverged.</summary>
    public bool Finished(int epochs) => History.Count >= epochs || History.Any(m => m.Diverged);
}
