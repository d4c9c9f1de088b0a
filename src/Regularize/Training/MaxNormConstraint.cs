using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Training;

/// <summary>
/// The max-norm constraint per unit (Srebro et al. 2005; used with dropout by Srivastava et al. 2014), as Keras's
/// <c>MaxNorm</c>: after every optimizer step, each unit's incoming weight vector w (a row of a <c>[out, in]</c>
/// weight, or of <c>[out, in·k…]</c> for larger ranks) is rescaled to w ← w·clip(‖w‖₂, 0, c)/(ε + ‖w‖₂), with
/// ε = 10⁻⁷, so no row's norm exceeds c.
/// </summary>
/// <remarks>The defaults follow Keras (c = 2) and the paper's range (3 to 4 with dropout). It applies to the
/// parameters that weight decay applies to by default (<see cref="DecayMask.IsDecayedByDefault"/>: weight matrices,
/// not biases or normalisation), or to those a predicate picks. As in Keras, rows under the limit are multiplied by
/// ‖w‖/(ε + ‖w‖), a change of at most 10⁻⁷ relative.</remarks>
public sealed class MaxNormConstraint : TrainerCallback
{
    /// <summary>Keras's ε (<c>backend.epsilon()</c>).</summary>
    public const double Epsilon = 1e-7;

    private readonly Func<Parameter, bool> _applies;

    /// <summary>Creates the callback.</summary>
    /// <param name="maxNorm">c, the largest row norm; positive and finite. 2 by default (Keras).</param>
    /// <param name="applies">Which parameters to constrain; weight matrices by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">c is not positive and finite.</exception>
    public MaxNormConstraint(double maxNorm = 2.0, Func<Parameter, bool>? applies = null)
    {
        if (!(maxNorm > 0 && double.IsFinite(maxNorm))) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm must be positive and finite, was {maxNorm}.");
        MaxNorm = maxNorm;
        _applies = applies ?? DecayMask.IsDecayedByDefault;
    }

    /// <summary>c, the largest row norm.</summary>
    public double MaxNorm { get; }

    /// <inheritdoc/>
    public override void OnStepEnd(TrainingStep step) => Apply(step.Trainer.Parameters);

    /// <summary>Applies the constraint to the chosen parameters of rank 2 or more.</summary>
    /// <param name="parameters">The parameters.</param>
    public void Apply(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
        {
            if (p.Value.Rank < 2 || !_applies(p)) continue;
            Span<float> w = p.Value.Span;
            int rows = p.Value.Shape[0], width = w.Length / rows;
            for (int r = 0; r < rows; r++)
            {
                var row = w.Slice(r * width, width);
                double sum = 0;
                foreach (float v in row) sum += (double)v * v;
                double norm = Math.Sqrt(sum);
                float scale = (float)(Math.Min(norm, MaxNorm) / (Epsilon + norm));
                for (int i = 0; i < row.Length; i++) row[i] *= scale;
            }
        }
    }
}
