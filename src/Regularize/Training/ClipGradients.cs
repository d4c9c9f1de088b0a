using Regularize.Regularization;

namespace Regularize.Training;

/// <summary>
/// Clips the gradients after the backward pass and before the optimizer step, with <see cref="GradientClipping"/>:
/// by global norm (<c>torch.nn.utils.clip_grad_norm_</c>: g ← g·min(1, c/(‖g‖₂ + 10⁻⁶)) over all gradients together) or
/// by value (<c>clip_grad_value_</c>: each element into [−c, c]).
/// </summary>
/// <remarks>Only steps the optimizer will take are clipped: with <see cref="GradientAccumulation"/> (put it first), the
/// accumulated gradient of the whole group is clipped once.</remarks>
public sealed class ClipGradients : TrainerCallback
{
    private ClipGradients(double limit, bool byNorm)
    {
        if (!(limit > 0 && double.IsFinite(limit)))
        {
            throw new ArgumentOutOfRangeException(byNorm ? "maxNorm" : "clipValue", limit, $"The clipping limit must be positive and finite, was {limit}.");
        }
        Limit = limit;
        ByNorm = byNorm;
    }

    /// <summary>Clips the global ℓ₂ norm of all gradients to <paramref name="maxNorm"/>.</summary>
    /// <param name="maxNorm">c; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">c is not positive and finite.</exception>
    public static ClipGradients ByGlobalNorm(double maxNorm) => new(maxNorm, byNorm: true);

    /// <summary>Clips every gradient element into [−<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    /// <param name="clipValue">c; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">c is not positive and finite.</exception>
    public static ClipGradients ByValue(double clipValue) => new(clipValue, byNorm: false);

    /// <summary>The limit c.</summary>
    public double Limit { get; }

    /// <summary>True to clip the global norm, false to clip each value.</summary>
    public bool ByNorm { get; }

    /// <summary>The global gradient norm before the last clipping by norm (NaN before any, or when clipping by value).</summary>
    public double LastNorm { get; private set; } = double.NaN;

    /// <inheritdoc/>
    public override void OnAfterBackward(TrainingStep step)
    {
        if (step.SkipStep) return;
        if (ByNorm) LastNorm = GradientClipping.ClipByGlobalNorm(step.Trainer.Parameters, Limit);
        else GradientClipping.ClipByValue(step.Trainer.Parameters, Limit);
    }
}
