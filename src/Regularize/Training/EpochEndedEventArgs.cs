namespace Regularize.Training;

/// <summary>Raised by <see cref="Trainer"/> when an epoch, its evaluation included, is over.</summary>
/// <param name="metrics">What the epoch measured.</param>
public sealed class EpochEndedEventArgs(EpochMetrics metrics) : EventArgs
{
    /// <summary>What the epoch measured.</summary>
    public EpochMetrics Metrics { get; } = metrics;
}
