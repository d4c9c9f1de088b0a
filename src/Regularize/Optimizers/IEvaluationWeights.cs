using Regularize.Nn;

namespace Regularize.Optimizers;

/// <summary>
/// An optimizer whose parameters hold, while it trains, other weights than the ones to evaluate and deploy: Schedule-Free
/// AdamW takes gradients at the interpolation y but its model is the average x (<see cref="ScheduleFreeAdamW"/>). The
/// optimizer switches the parameters between the two; <see cref="Training.Trainer"/> does it for you (evaluation weights
/// from the end of every epoch's training batches until its next batch, so evaluations, callbacks, checkpoints and the
/// model left by <c>Fit</c> see x), and code without a trainer calls these methods itself, as the reference
/// implementation's <c>optimizer.eval()</c> and <c>optimizer.train()</c>.
/// </summary>
/// <remarks>
/// <para>The round trip is exact: <see cref="UseTrainingWeights"/> puts back the training weights bit for bit, so
/// evaluating between steps does not change the training trajectory. A training checkpoint
/// (<see cref="Serialization.CheckpointData.Capture"/>) stores the training weights (<see cref="TrainingWeights"/>) with
/// the optimizer's state whichever weights are in place, so it resumes the exact training point; importing the
/// optimizer's state puts it back in training mode. Export the model for use (<see cref="Serialization.ModelWeights"/>)
/// with the evaluation weights in place.</para>
/// <para>Stepping while the evaluation weights are in place is refused with an <see cref="InvalidOperationException"/>.</para>
/// </remarks>
public interface IEvaluationWeights
{
    /// <summary>True while the parameters hold the evaluation weights (after <see cref="UseEvaluationWeights"/>).</summary>
    bool UsesEvaluationWeights { get; }

    /// <summary>
    /// Writes the evaluation weights into the parameters, keeping the training weights in the optimizer's state; does
    /// nothing when they are already in place.
    /// </summary>
    void UseEvaluationWeights();

    /// <summary>
    /// Puts the training weights back into the parameters, bit for bit (whatever was written into the parameters
    /// meanwhile is discarded); does nothing when they are already in place.
    /// </summary>
    void UseTrainingWeights();

    /// <summary>The training weights of <paramref name="parameter"/>, whichever weights are in place (a training checkpoint stores these).</summary>
    /// <param name="parameter">A parameter of the optimizer.</param>
    /// <exception cref="ArgumentException">The optimizer does not hold the parameter.</exception>
    ReadOnlySpan<float> TrainingWeights(Parameter parameter);
}
