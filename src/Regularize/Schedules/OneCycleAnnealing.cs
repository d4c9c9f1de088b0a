namespace Regularize.Schedules;

/// <summary>How <see cref="OneCycle"/> and <see cref="OneCycleMomentum"/> move between the ends of a phase.</summary>
public enum OneCycleAnnealing
{
    /// <summary>Cosine: v = e + (s − e) / 2 · (1 + cos(π p)) for progress p ∈ [0, 1] from s to e.</summary>
    Cosine,

    /// <summary>Linear: v = s + (e − s) · p.</summary>
    Linear,
}
