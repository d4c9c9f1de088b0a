namespace Regularize.Training;

/// <summary>A figure of <see cref="EpochMetrics"/> that a callback watches, and whether lower or higher is better.</summary>
/// <param name="Name">The name, for messages and logs (<c>test_loss</c>).</param>
/// <param name="Select">Reads the figure from an epoch's metrics.</param>
/// <param name="HigherIsBetter">True for accuracies, false for losses.</param>
public sealed record MonitoredMetric(string Name, Func<EpochMetrics, double> Select, bool HigherIsBetter)
{
    /// <summary>The mean test loss (lower is better).</summary>
    public static MonitoredMetric TestLoss { get; } = new("test_loss", m => m.TestLoss, false);

    /// <summary>The test accuracy (higher is better).</summary>
    public static MonitoredMetric TestAccuracy { get; } = new("test_accuracy", m => m.TestAccuracy, true);

    /// <summary>The mean training loss (lower is better).</summary>
    public static MonitoredMetric TrainLoss { get; } = new("train_loss", m => m.TrainLoss, false);

    /// <summary>
    /// True when <paramref name="value"/> improves on <paramref name="best"/> by more than <paramref name="minDelta"/>
    /// (as Keras's callbacks compare: value &lt; best − δ for losses, value &gt; best + δ for accuracies). NaN never improves.
    /// </summary>
    /// <param name="value">The new value.</param>
    /// <param name="best">The best value so far (±∞ before the first).</param>
    /// <param name="minDelta">The least change that counts, ≥ 0.</param>
    public bool Improves(double value, double best, double minDelta = 0) =>
        !double.IsNaN(value) && (HigherIsBetter ? value > best + minDelta : value < best - minDelta);

    /// <summary>The starting "best": −∞ when higher is better, +∞ otherwise.</summary>
    public double Worst => HigherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
}
