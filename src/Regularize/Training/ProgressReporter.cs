namespace Regularize.Training;

/// <summary>
/// Reports training progress to an <see cref="IProgress{T}"/> (a console bar, a log, a UI) every
/// <see cref="EveryBatches"/> batches and at the end of every epoch.
/// </summary>
public sealed class ProgressReporter : TrainerCallback
{
    private readonly IProgress<TrainingProgressReport> _progress;
    private int _lastEpoch;
    private double _lossSum;
    private long _seen;

    /// <summary>Creates the callback.</summary>
    /// <param name="progress">Receives the reports (on the training thread).</param>
    /// <param name="everyBatches">Report every this many batches; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="everyBatches"/> is below 1.</exception>
    public ProgressReporter(IProgress<TrainingProgressReport> progress, int everyBatches = 10)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfLessThan(everyBatches, 1);
        _progress = progress;
        EveryBatches = everyBatches;
    }

    /// <summary>Report every this many batches.</summary>
    public int EveryBatches { get; }

    /// <inheritdoc/>
    public override void OnFitStart(Trainer trainer, Data.DataLoader train, int epochs) => _lastEpoch = trainer.EpochCount + epochs;

    /// <inheritdoc/>
    public override void OnEpochStart(Trainer trainer, int epoch)
    {
        _lossSum = 0;
        _seen = 0;
    }

    /// <inheritdoc/>
    public override void OnAfterBackward(TrainingStep step)
    {
        _lossSum += step.LossValue * step.Batch.Count;
        _seen += step.Batch.Count;
        if (step.BatchNumber % EveryBatches == 0 || step.BatchNumber == step.BatchesPerEpoch)
        {
            _progress.Report(new TrainingProgressReport(step.Epoch, _lastEpoch, step.BatchNumber, step.BatchesPerEpoch,
                step.StepCount, _lossSum / _seen, null));
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics) =>
        _progress.Report(new TrainingProgressReport(metrics.Epoch, _lastEpoch, trainer.TrainLoader?.BatchesPerEpoch ?? 0,
            trainer.TrainLoader?.BatchesPerEpoch ?? 0, metrics.Steps, metrics.TrainLoss, metrics));
}
