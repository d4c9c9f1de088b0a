using Regularize.Optimizers;

namespace Regularize.Training;

/// <summary>
/// Runs a <see cref="Sam"/> step inside <see cref="Trainer"/>: after the backward pass at θ it calls
/// <see cref="Sam.FirstStep"/> (θ ← θ + ε̂), recomputes the loss and its gradient g' on the same batch at θ + ε̂, and
/// puts θ back (<see cref="Sam.Restore"/>); the trainer's own optimizer step then applies g' at θ, which is
/// <see cref="Sam.SecondStep"/>.
/// </summary>
/// <remarks>
/// The trainer must step <see cref="Sam.BaseOptimizer"/> and be built over a <see cref="Nn.Module"/>; pass the same
/// loss the trainer uses (cross-entropy by default; <see cref="Trainer.TargetLoss"/> is taken from the trainer).
/// Callbacks after this one in <see cref="Trainer.Callbacks"/> see g' (put <see cref="ClipGradients"/> after it to clip g').
/// It cannot follow <see cref="GradientAccumulation"/>: the second pass recomputes one batch only.
/// A non-finite gradient at θ under <see cref="Regularization.NonFiniteGradient.Skip"/> leaves θ and g alone, and the
/// trainer's step skips that gradient too; under Throw the trainer ends the epoch as diverged.
/// </remarks>
public sealed class SharpnessAwareStep : TrainerCallback
{
    private readonly LossFunction _loss;

    /// <summary>Creates the callback around <paramref name="sam"/>.</summary>
    /// <param name="sam">The SAM wrapper of the trainer's optimizer.</param>
    /// <param name="loss">The loss of class-index batches, the same as the trainer's; null for cross-entropy.</param>
    public SharpnessAwareStep(Sam sam, LossFunction? loss = null)
    {
        ArgumentNullException.ThrowIfNull(sam);
        Sam = sam;
        _loss = loss ?? Trainer.CrossEntropy;
    }

    /// <summary>The SAM wrapper.</summary>
    public Sam Sam { get; }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The trainer has no model, steps another optimizer, or accumulates gradients.</exception>
    public override void OnAfterBackward(TrainingStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.SkipStep) return;
        var trainer = step.Trainer;
        var model = trainer.Model ?? throw new InvalidOperationException("SharpnessAwareStep needs a Trainer built over a Module.");
        if (!ReferenceEquals(trainer.Optimizer, Sam.BaseOptimizer))
            throw new InvalidOperationException("SharpnessAwareStep: the trainer must step Sam.BaseOptimizer.");
        if (!step.ZeroGradients)
            throw new InvalidOperationException("SharpnessAwareStep cannot follow gradient accumulation: its second pass recomputes one batch's gradient only.");
        Sam.FirstStep();
        try
        {
            if (Sam.LastStepSkipped) return;
            Sam.ZeroGrad();
            var output = model.Forward(step.Batch.Inputs);
            BatchScoring.Loss(output, step.Batch, _loss, trainer.TargetLoss).Backward();
        }
        finally
        {
            Sam.Restore();
        }
    }
}
