using Regularize.Serialization;

namespace Regularize.Training;

/// <summary>
/// Gradient accumulation: the optimizer steps once every <see cref="MicroBatches"/> batches, on the gradient of their
/// union, so k batches of B examples train as one batch of k·B.
/// </summary>
/// <remarks>
/// <para>The batches of an epoch are taken in groups of k (the last group may be shorter). Within a group G, the
/// gradients are cleared before the first batch only, and the loss of batch i (a mean over its nᵢ examples) is
/// scaled by nᵢ / Σ_{j∈G} nⱼ before the backward pass. The accumulated gradient is then
/// Σᵢ (nᵢ/N_G)·∇(mean loss of i) = ∇(mean loss over the N_G examples of the group): the gradient of one large batch, up
/// to float rounding, also when the last batch of the epoch is short.</para>
/// <para>The optimizer steps after the last batch of each group, so an epoch has ⌈batches/k⌉ steps
/// (<see cref="StepsPerEpoch"/>): build step-counted schedules with that. Put this callback before any clipping, so
/// the whole group's gradient is clipped once. The epoch's training loss still averages the unscaled batch losses.</para>
/// <para>Layers that use batch statistics (BatchNorm) see the micro-batches, not the large batch, as in PyTorch.</para>
/// <para>Checkpoints: the groups start afresh every epoch, and the last group of an epoch always steps, so at an epoch's
/// end nothing is pending and the callback has no state to save. Inside a group the partly accumulated gradient is
/// (gradients are not saved): <see cref="ExportState"/> then refuses, so a checkpoint is never silently inexact.</para>
/// </remarks>
public sealed class GradientAccumulation : TrainerCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="microBatches">k, the batches per optimizer step; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public GradientAccumulation(int microBatches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        MicroBatches = microBatches;
    }

    /// <summary>k, the batches per optimizer step.</summary>
    public int MicroBatches { get; }

    private double _scale = 1;
    private bool _inGroup;

    /// <summary>The optimizer steps of one epoch of <paramref name="loader"/>: ⌈batches/k⌉.</summary>
    /// <param name="loader">The training loader.</param>
    public int StepsPerEpoch(Data.DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return (int)(((long)loader.BatchesPerEpoch + MicroBatches - 1) / MicroBatches);
    }

    /// <inheritdoc/>
    public override void OnBatchStart(TrainingStep step)
    {
        int index = step.BatchNumber - 1, batches = step.BatchesPerEpoch;
        int groupStart = index / MicroBatches * MicroBatches;
        int groupEnd = Math.Min(groupStart + MicroBatches, batches); // exclusive
        step.ZeroGradients = index == groupStart;
        step.SkipStep = index < groupEnd - 1;
        _inGroup = step.SkipStep;
        var loader = step.Loader;
        long examples = (long)(groupEnd - groupStart) * loader.BatchSize;
        if (groupEnd == batches && !loader.DropLast)
        {
            int lastCount = loader.Dataset.Count - (batches - 1) * loader.BatchSize;
            examples -= loader.BatchSize - lastCount;
        }
        _scale = (double)step.Batch.Count / examples;
    }

    /// <inheritdoc/>
    public override void OnLossComputed(TrainingStep step)
    {
        if (_scale != 1) step.Loss = step.Loss! * (float)_scale;
    }

    /// <inheritdoc/>
    /// <remarks>An epoch that ended early (divergence, <see cref="Trainer.Stop"/>) drops its unfinished group: the next
    /// epoch's first batch clears the gradients.</remarks>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics) => _inGroup = false;

    /// <summary>None (null) between groups of batches.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <exception cref="InvalidOperationException">The trainer is inside a group: its accumulated gradient would be lost.</exception>
    public override CallbackState? ExportState(Trainer trainer) => _inGroup
        ? throw new InvalidOperationException("GradientAccumulation: a checkpoint inside a group of micro-batches would lose the accumulated gradient; save at the end of an epoch.")
        : null;
}
