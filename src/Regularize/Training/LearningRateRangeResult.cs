namespace Regularize.Training;

/// <summary>What <see cref="LearningRateRangeTest.Run"/> found.</summary>
/// <param name="Points">One point per batch run.</param>
/// <param name="Diverged">True when the test stopped early because the smoothed loss exceeded the divergence factor
/// times its minimum, or a loss was not finite.</param>
/// <param name="Steepest">The learning rate where the smoothed loss falls fastest against log lr (the suggestion).</param>
/// <param name="MinLossOverTen">A tenth of the learning rate at the minimum smoothed loss (fastai's older rule).</param>
public sealed record LearningRateRangeResult(IReadOnlyList<LearningRatePoint> Points, bool Diverged, double Steepest, double MinLossOverTen);
