using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>A finished run.</summary>
internal sealed record TrialResult(TrialSpec Spec, string Description, IReadOnlyList<EpochMetrics> History, int BatchesPerEpoch, long TotalSteps,
    double InitialDecayedWeightNorm)
{
    public EpochMetrics Final => History[^1];

    public bool Diverged => History.Any(m => m.Diverged);
}
