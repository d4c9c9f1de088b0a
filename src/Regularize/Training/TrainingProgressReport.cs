namespace Regularize.Training;

/// <summary>One progress report of <see cref="ProgressReporter"/>.</summary>
/// <param name="Epoch">The epoch, counting from 1.</param>
/// <param name="LastEpoch">The last epoch the running Fit will train.</param>
/// <param name="Batch">Batches of this epoch done, counting from 1.</param>
/// <param name="BatchesPerEpoch">Batches per epoch.</param>
/// <param name="Steps">Optimizer steps taken so far.</param>
/// <param name="MeanLoss">The epoch's mean training loss so far.</param>
/// <param name="EpochMetrics">The epoch's metrics when the report is the epoch's last, else null.</param>
public sealed record TrainingProgressReport(int Epoch, int LastEpoch, int Batch, int BatchesPerEpoch, long Steps, double MeanLoss,
    EpochMetrics? EpochMetrics);
