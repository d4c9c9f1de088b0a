namespace Regularize.Schedules;

/// <summary>Which direction of the metric counts as improvement for <see cref="ReduceOnPlateau"/>.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss): reduce when the metric stops decreasing.</summary>
    Min,

    /// <summary>Higher is better (an accuracy): reduce when the metric stops increasing.</summary>
    Max,
}
