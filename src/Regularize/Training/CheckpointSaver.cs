namespace Regularize.Training;

/// <summary>
/// Saves training checkpoints (<see cref="Trainer.SaveCheckpoint"/>, with the training loader, so a run resumes
/// exactly) every <see cref="EveryEpochs"/> epochs to <see cref="Path"/>, and, with a <see cref="BestPath"/>, whenever
/// the monitored metric reaches a new best.
/// </summary>
/// <remarks>Both files are replaced atomically, so at most two checkpoints exist at any time: the latest and the
/// best. An epoch that diverged is not saved as the best. With an <see cref="Optimizers.IEvaluationWeights"/> optimizer
/// the model in the file holds the evaluation weights (what the metric measured) and the optimizer's state the training
/// weights, so either file can be deployed and resumed.</remarks>
public sealed class CheckpointSaver : TrainerCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="path">The file of the latest checkpoint.</param>
    /// <param name="everyEpochs">Save after every this many epochs (counted by <see cref="EpochMetrics.Epoch"/>); at least 1.</param>
    /// <param name="bestPath">The file of the best checkpoint, or null to keep no best.</param>
    /// <param name="metric">What "best" means; <see cref="MonitoredMetric.TestLoss"/> by default.</param>
    /// <exception cref="ArgumentException">A path is empty, both paths are the same, or <paramref name="everyEpochs"/> is below 1.</exception>
    public CheckpointSaver(string path, int everyEpochs = 1, string? bestPath = null, MonitoredMetric? metric = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(everyEpochs, 1);
        if (bestPath is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(bestPath);
            if (System.IO.Path.GetFullPath(bestPath) == System.IO.Path.GetFullPath(path))
            {
                throw new ArgumentException($"bestPath and path are the same file, {path}; give the best checkpoint its own file.", nameof(bestPath));
            }
        }
        Path = path;
        EveryEpochs = everyEpochs;
        BestPath = bestPath;
        Metric = metric ?? MonitoredMetric.TestLoss;
        BestValue = Metric.Worst;
    }

    /// <summary>The file of the latest checkpoint.</summary>
    public string Path { get; }

    /// <summary>Save after every this many epochs.</summary>
    public int EveryEpochs { get; }

    /// <summary>The file of the best checkpoint, or null.</summary>
    public string? BestPath { get; }

    /// <summary>What "best" means.</summary>
    public MonitoredMetric Metric { get; }

    /// <summary>The best value saved so far.</summary>
    public double BestValue { get; private set; }

    /// <summary>The epoch of the best checkpoint, or 0.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics)
    {
        if (metrics.Epoch % EveryEpochs == 0) trainer.SaveCheckpoint(Path, trainer.TrainLoader);
        if (BestPath is null || metrics.Diverged) return;
        double value = Metric.Select(metrics);
        if (!Metric.Improves(value, BestValue)) return;
        trainer.SaveCheckpoint(BestPath, trainer.TrainLoader,
            new Dictionary<string, string> { ["best_metric"] = Metric.Name, ["best_value"] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
        BestValue = value;
        BestEpoch = metrics.Epoch;
    }
}
