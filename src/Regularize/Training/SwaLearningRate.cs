using Regularize.Schedules;

namespace Regularize.Training;

/// <summary>
/// The learning rate of <c>torch.optim.swa_utils.SWALR</c> in closed form: after k calls of its <c>step()</c>,
/// lr_k = swaLr·α(t_k) + lr₀·(1 − α(t_k)), with t_k = min(1, k/A) for A = <see cref="AnnealSteps"/> &gt; 0 (and t = 1 for
/// every k when A = 0), lr₀ the group's learning rate when the scheduler was made, and α from <see cref="Annealing"/>.
/// </summary>
/// <remarks>PyTorch steps SWALR once per epoch after SWA starts; <see cref="StochasticWeightAveraging"/> uses k = the
/// number of SWA epochs begun before the current one. Defaults follow PyTorch: cosine annealing over 10 steps.</remarks>
public sealed class SwaLearningRate : ISchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="startLearningRate">lr₀; finite and ≥ 0.</param>
    /// <param name="swaLearningRate">swaLr; finite and ≥ 0.</param>
    /// <param name="annealSteps">A; ≥ 0.</param>
    /// <param name="annealing">The shape α of the move.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public SwaLearningRate(double startLearningRate, double swaLearningRate, int annealSteps = 10, SwaAnnealing annealing = SwaAnnealing.Cosine)
    {
        if (!(startLearningRate >= 0 && double.IsFinite(startLearningRate))) throw new ArgumentOutOfRangeException(nameof(startLearningRate), startLearningRate, $"startLearningRate must be finite and >= 0, was {startLearningRate}.");
        if (!(swaLearningRate >= 0 && double.IsFinite(swaLearningRate))) throw new ArgumentOutOfRangeException(nameof(swaLearningRate), swaLearningRate, $"swaLearningRate must be finite and >= 0, was {swaLearningRate}.");
        ArgumentOutOfRangeException.ThrowIfNegative(annealSteps);
        if (!Enum.IsDefined(annealing)) throw new ArgumentOutOfRangeException(nameof(annealing), annealing, "Unknown annealing.");
        StartLearningRate = startLearningRate;
        SwaLearningRateValue = swaLearningRate;
        AnnealSteps = annealSteps;
        Annealing = annealing;
    }

    /// <summary>lr₀.</summary>
    public double StartLearningRate { get; }

    /// <summary>swaLr, the rate after the annealing.</summary>
    public double SwaLearningRateValue { get; }

    /// <summary>A, the steps of the annealing.</summary>
    public int AnnealSteps { get; }

    /// <summary>The shape α.</summary>
    public SwaAnnealing Annealing { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        double t = AnnealSteps == 0 ? 1 : Math.Min(1.0, (double)step / AnnealSteps);
        double alpha = Annealing == SwaAnnealing.Cosine ? (1 - Math.Cos(Math.PI * t)) / 2 : t;
        return SwaLearningRateValue * alpha + StartLearningRate * (1 - alpha);
    }
}
