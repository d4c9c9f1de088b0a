namespace Regularize.Training;

/// <summary>Raised by <see cref="Trainer"/> after each training batch: after its optimizer step and the schedulers, or
/// after its backward pass when a callback skipped the step (gradient accumulation).</summary>
/// <param name="epoch">The epoch, counting from 1.</param>
/// <param name="batch">The batch within the epoch, counting from 1.</param>
/// <param name="batchesPerEpoch">The number of batches per epoch.</param>
/// <param name="step">Optimizer steps taken so far (<see cref="Trainer.StepCount"/>), this one included.</param>
/// <param name="loss">The batch's training loss.</param>
/// <param name="count">The number of examples in the batch.</param>
public sealed class BatchEndedEventArgs(int epoch, int batch, int batchesPerEpoch, long step, double loss, int count) : EventArgs
{
    /// <summary>The epoch, counting from 1.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The batch within the epoch, counting from 1.</summary>
    public int Batch { get; } = batch;

    /// <summary>The number of batches per epoch.</summary>
    public int BatchesPerEpoch { get; } = batchesPerEpoch;

    /// <summary>Optimizer steps taken so far (<see cref="Trainer.StepCount"/>), this one included.</summary>
    public long Step { get; } = step;

    /// <summary>The batch's training loss (the value before the step).</summary>
    public double Loss { get; } = loss;

    /// <summary>The number of examples in the batch.</summary>
    public int Count { get; } = count;
}
