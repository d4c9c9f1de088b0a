using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>A finished run; <see cref="Layers"/> describes its weight matrices at the end.</summary>
internal sealed record TrialResult(TrialSpec Spec, string Description, IReadOnlyList<EpochMetrics> History, int BatchesPerEpoch, long TotalSteps,
    double InitialDecayedWeightNorm, IReadOnlyList<LayerStats> Layers)
{
    public EpochMetrics Final => History[^1];

    /// <summary>The fraction of all weight-matrix elements that are exactly zero at the end.</summary>
    public double ZeroFraction => Layers.Sum(l => (double)l.Zeros) / Math.Max(1, Layers.Sum(l => l.Count));

    public bool Diverged => History.Any(m => m.Diverged);
}
