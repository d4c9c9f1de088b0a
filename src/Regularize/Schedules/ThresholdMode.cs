namespace Regularize.Schedules;

/// <summary>How <see cref="ReduceOnPlateau"/> decides that a metric improved on the best so far by enough.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best · (1 − threshold) (min) or best · (1 + threshold) (max).</summary>
    Relative,

    /// <summary>Absolute: better than best − threshold (min) or best + threshold (max).</summary>
    Absolute,
}
