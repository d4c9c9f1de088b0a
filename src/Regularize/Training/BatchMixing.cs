using Regularize.Data;
using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Trains on mixed batches: at the start of every training batch, replaces it with <see cref="BatchMixer.Mix"/>'s result
/// (<see cref="Mixup"/>, <see cref="CutMix"/>), whose soft targets the trainer's loss for class probabilities takes
/// (<see cref="Trainer.TargetLoss"/>; cross-entropy by default). Evaluation is on the unmixed test set.
/// </summary>
/// <remarks>A checkpoint saves the mixer's generator (<c>rng</c>), so a resumed run draws the same λ and π.</remarks>
public sealed class BatchMixing : TrainerCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="mixer">The mixer.</param>
    public BatchMixing(BatchMixer mixer)
    {
        ArgumentNullException.ThrowIfNull(mixer);
        Mixer = mixer;
    }

    /// <summary>The mixer.</summary>
    public BatchMixer Mixer { get; }

    /// <inheritdoc/>
    public override void OnBatchStart(TrainingStep step) => step.Batch = Mixer.Mix(step.Batch);

    /// <inheritdoc/>
    public override CallbackState? ExportState(Trainer trainer) => new() { RngStates = { ["rng"] = Mixer.GetRngState() } };

    /// <inheritdoc/>
    public override void ImportState(Trainer trainer, CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Mixer.SetRngState(state.GetRngState("rng"));
    }
}
