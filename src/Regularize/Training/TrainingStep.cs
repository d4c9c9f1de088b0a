using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>
/// One batch of <see cref="Trainer.Fit"/> as the callbacks see it. The trainer reuses one instance for every batch;
/// read it inside the callback.
/// </summary>
public sealed class TrainingStep
{
    internal TrainingStep(Trainer trainer, DataLoader loader)
    {
        Trainer = trainer;
        Loader = loader;
    }

    /// <summary>The trainer.</summary>
    public Trainer Trainer { get; }

    /// <summary>The training loader.</summary>
    public DataLoader Loader { get; }

    /// <summary>The epoch, counting from 1.</summary>
    public int Epoch { get; private set; }

    /// <summary>The batch's position in its epoch, counting from 1.</summary>
    public int BatchNumber { get; private set; }

    /// <summary>The number of batches of a whole epoch.</summary>
    public int BatchesPerEpoch => Loader.BatchesPerEpoch;

    /// <summary>The batch the model is trained on; a callback may replace it in <see cref="TrainerCallback.OnBatchStart"/>.</summary>
    public Batch Batch { get; set; }

    /// <summary>The model's output for the batch (valid until the step's tensor scope ends, after <see cref="TrainerCallback.OnAfterBackward"/>).</summary>
    public Tensor? Output { get; internal set; }

    /// <summary>
    /// The scalar that <c>Backward()</c> is called on: the batch's loss, or what a callback replaced it with in
    /// <see cref="TrainerCallback.OnLossComputed"/> (for example the loss scaled for gradient accumulation).
    /// </summary>
    /// <exception cref="ArgumentException">Set to a tensor that is not a single value.</exception>
    public Tensor? Loss
    {
        get => _loss;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 1) throw new ArgumentException($"TrainingStep.Loss must be a single value, was {value.Shape}.", nameof(value));
            _loss = value;
        }
    }

    private Tensor? _loss;

    /// <summary>The batch's loss as computed (before any callback changed <see cref="Loss"/>); it enters the epoch's training loss.</summary>
    public double LossValue { get; internal set; }

    /// <summary>True (the default) to clear the gradients before the backward pass; false to add to them.</summary>
    public bool ZeroGradients { get; set; } = true;

    /// <summary>True to leave out the optimizer step (and the schedulers) after the backward pass; false by default.</summary>
    public bool SkipStep { get; set; }

    /// <summary>Optimizer steps taken so far (<see cref="Trainer.StepCount"/>).</summary>
    public long StepCount => Trainer.StepCount;

    internal void Begin(int epoch, Batch batch)
    {
        Epoch = epoch;
        BatchNumber = batch.Index + 1;
        Batch = batch;
        Output = null;
        _loss = null;
        LossValue = double.NaN;
        ZeroGradients = true;
        SkipStep = false;
    }
}
