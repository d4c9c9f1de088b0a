using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Something that takes part in <see cref="Trainer.Fit"/>: override the points of the loop you need; the others do
/// nothing. The built-in callbacks (clipping, accumulation, early stopping, averaging, checkpoints, logging) are
/// written this way and are short enough to read as examples.
/// </summary>
/// <remarks>
/// <para>The points of one epoch, in order (callbacks run in the order of <see cref="Trainer.Callbacks"/>):</para>
/// <code>
/// OnFitStart                                   once per Fit
///   OnEpochStart
///     (training weights back in place, with an IEvaluationWeights optimizer)
///     OnBatchStart      may replace step.Batch (mixup) and decide step.ZeroGradients / step.SkipStep (accumulation)
///     forward, loss
///     OnLossComputed    may replace step.Loss, the tensor Backward is called on (loss scaling)
///     zero the gradients (if step.ZeroGradients); step.Loss.Backward()
///     OnAfterBackward   the gradients are complete and the optimizer has not run (clipping)
///     optimizer.Step(), schedulers  (unless step.SkipStep)
///     OnStepEnd         after the optimizer step, outside the step's TensorScope (averaging, constraints)
///   (evaluation weights in place, with an IEvaluationWeights optimizer: see Trainer)
///   OnEvaluating / OnEvaluated   around the evaluation on the test set (swap in averaged weights)
///   OnEpochEnd          with the epoch's metrics (early stopping, plateau schedules, checkpoints, logs)
/// OnFitEnd
/// </code>
/// <para>Any callback may call <see cref="Trainer.Stop"/>: the loop finishes the current batch, ends the epoch (its
/// evaluation and <see cref="OnEpochEnd"/> included) and returns.</para>
/// <para><b>Checkpoints.</b> A callback that keeps state a resumed run needs (a best value, averaged weights, a
/// generator) overrides <see cref="ExportState"/> and <see cref="ImportState"/>; <see cref="Trainer.SaveCheckpoint"/>
/// stores the state under the callback's <see cref="CheckpointKey"/> and <see cref="Trainer.LoadCheckpoint"/> gives it
/// back to the callback with the same key. A callback without state keeps the defaults and is not saved.</para>
/// </remarks>
public abstract class TrainerCallback
{
    private string? _checkpointKey;

    /// <summary>
    /// The key under which a checkpoint stores this callback's state; null (the default) for the trainer's default: the
    /// type's name and the callback's index among the trainer's callbacks of that type, <c>EarlyStopping[0]</c>. Set it
    /// when the callback list may change between saving and loading.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty, longer than 200 characters or contains a dot.</exception>
    public string? CheckpointKey
    {
        get => _checkpointKey;
        set
        {
            if (value is not null && !CheckpointData.IsCallbackKey(value))
            {
                throw new ArgumentException($"CheckpointKey {IO.MessageText.Quote(value)} is empty, longer than 200 characters or contains a dot.", nameof(value));
            }
            _checkpointKey = value;
        }
    }

    /// <summary>
    /// The callback's state for a checkpoint, as copies (later training must not change it), or null (the default) when
    /// the callback keeps nothing a resumed run needs. Called between steps, usually at the end of an epoch.
    /// </summary>
    /// <param name="trainer">The trainer saving the checkpoint.</param>
    /// <returns>The state; the trainer sets its <see cref="CallbackState.Type"/>.</returns>
    public virtual CallbackState? ExportState(Trainer trainer) => null;

    /// <summary>
    /// Restores a state that <see cref="ExportState"/> returned, possibly in another process into a callback built with the
    /// same settings. Check everything first (the <c>Get...</c> readers of <see cref="CallbackState"/> do) and throw an
    /// <see cref="ArgumentException"/> without changing anything when the state does not fit: the trainer then puts
    /// back whatever it had already restored and reports a <see cref="CheckpointMismatchException"/>.
    /// </summary>
    /// <param name="trainer">The trainer loading the checkpoint.</param>
    /// <param name="state">The saved state; its values come from a file, so check their ranges.</param>
    /// <exception cref="ArgumentException">The state does not fit this callback; nothing was changed.</exception>
    public virtual void ImportState(Trainer trainer, CallbackState state) =>
        throw new ArgumentException($"{GetType().Name} keeps no state to restore.");

    /// <summary>Called when <see cref="Trainer.Fit"/> starts, before the first epoch.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="train">The training loader.</param>
    /// <param name="epochs">The number of epochs this Fit will run at most.</param>
    public virtual void OnFitStart(Trainer trainer, Data.DataLoader train, int epochs) { }

    /// <summary>Called before the first batch of an epoch.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="epoch">The epoch, counting from 1.</param>
    public virtual void OnEpochStart(Trainer trainer, int epoch) { }

    /// <summary>Called before the forward pass of a batch.</summary>
    /// <param name="step">The step; <see cref="TrainingStep.Batch"/>, <see cref="TrainingStep.ZeroGradients"/> and
    /// <see cref="TrainingStep.SkipStep"/> may be changed here.</param>
    public virtual void OnBatchStart(TrainingStep step) { }

    /// <summary>Called after the loss was computed and found finite, before the backward pass.</summary>
    /// <param name="step">The step; <see cref="TrainingStep.Loss"/> may be replaced (for example scaled).</param>
    public virtual void OnLossComputed(TrainingStep step) { }

    /// <summary>Called after the backward pass, before the optimizer step (also when the step will be skipped).</summary>
    /// <param name="step">The step.</param>
    public virtual void OnAfterBackward(TrainingStep step) { }

    /// <summary>Called after the optimizer step and the schedulers, outside the step's tensor scope; not called when the
    /// step was skipped or the batch diverged.</summary>
    /// <param name="step">The step.</param>
    public virtual void OnStepEnd(TrainingStep step) { }

    /// <summary>Called before the epoch's evaluation on the test set (not called without a test set).</summary>
    /// <param name="trainer">The trainer.</param>
    public virtual void OnEvaluating(Trainer trainer) { }

    /// <summary>Called after the epoch's evaluation on the test set.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="evaluation">What the evaluation measured.</param>
    public virtual void OnEvaluated(Trainer trainer, Evaluation evaluation) { }

    /// <summary>Called when an epoch is over, with its metrics, before <see cref="Trainer.EpochEnded"/> is raised.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="metrics">What the epoch measured.</param>
    public virtual void OnEpochEnd(Trainer trainer, EpochMetrics metrics) { }

    /// <summary>Called when <see cref="Trainer.Fit"/> returns normally (not after an exception or a cancellation).</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="history">The metrics of the epochs this Fit ran.</param>
    public virtual void OnFitEnd(Trainer trainer, IReadOnlyList<EpochMetrics> history) { }
}
