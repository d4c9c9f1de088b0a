using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Saves training checkpoints (<see cref="Trainer.SaveCheckpoint"/>, with the training loader, so a run resumes
/// exactly) every <see cref="EveryEpochs"/> epochs to <see cref="Path"/>, and, with a <see cref="BestPath"/>, whenever
/// the monitored metric reaches a new best.
/// </summary>
/// <remarks>
/// <para>Both files are replaced atomically, so at most two checkpoints exist at any time: the latest and the
/// best. An epoch that diverged is not saved as the best. With an <see cref="Optimizers.IEvaluationWeights"/> optimizer
/// the files hold the training point (the model's parameters as the optimizer's training weights), so either resumes
/// exactly; the weights the metric measured are the optimizer's evaluation weights at that point
/// (<see cref="Optimizers.IEvaluationWeights.UseEvaluationWeights"/> after loading).</para>
/// <para>The saver's own best value and epoch are part of the checkpoints it writes (updated before writing), so a
/// resumed run keeps the same best. Since it saves during <see cref="OnEpochEnd"/>, every callback with checkpoint state
/// (<see cref="TrainerCallback.ExportState"/>) must come before it in <see cref="Trainer.Callbacks"/>, so that the files
/// hold their state after the epoch; <see cref="Trainer.Fit"/> refuses another order when it starts.</para>
/// </remarks>
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
    /// <exception cref="InvalidOperationException">A callback with checkpoint state comes after this one.</exception>
    public override void OnFitStart(Trainer trainer, Data.DataLoader train, int epochs)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        int self = trainer.Callbacks.IndexOf(this);
        for (int i = self + 1; self >= 0 && i < trainer.Callbacks.Count; i++)
        {
            if (trainer.Callbacks[i]?.ExportState(trainer) is not null)
            {
                throw new InvalidOperationException(
                    $"CheckpointSaver is Callbacks[{self}] but Callbacks[{i}], a {trainer.Callbacks[i].GetType().Name}, has checkpoint state and comes after it: " +
                    "its state would be saved before the epoch's end. Add the CheckpointSaver after it.");
            }
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(metrics);
        double value = Metric.Select(metrics);
        bool best = BestPath is not null && !metrics.Diverged && Metric.Improves(value, BestValue);
        if (best)
        {
            BestValue = value;
            BestEpoch = metrics.Epoch;
        }
        if (metrics.Epoch % EveryEpochs == 0) trainer.SaveCheckpoint(Path, trainer.TrainLoader);
        if (!best) return;
        trainer.SaveCheckpoint(BestPath!, trainer.TrainLoader,
            new Dictionary<string, string> { ["best_metric"] = Metric.Name, ["best_value"] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <inheritdoc/>
    public override CallbackState? ExportState(Trainer trainer) => new()
    {
        Integers = { ["bestEpoch"] = BestEpoch },
        Numbers = { ["bestValue"] = BestValue },
    };

    /// <inheritdoc/>
    public override void ImportState(Trainer trainer, CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int bestEpoch = (int)state.GetInteger("bestEpoch", 0, CheckpointData.MaxEpoch);
        double bestValue = state.GetNumber("bestValue", allowInfinite: true);
        (BestEpoch, BestValue) = (bestEpoch, bestValue);
    }
}
