namespace Regularize.Schedules;

/// <summary>
/// A schedule whose closed form is also defined between integer steps, so it can be evaluated at a
/// fractional position such as epoch 3.25 (SGDR is commonly stepped by epoch fractions:
/// <c>epoch + batch / batchesPerEpoch</c>). For integral positions <c>At((double)t)</c> equals <c>At(t)</c>.
/// </summary>
public interface IFractionalSchedule : ISchedule
{
    /// <summary>The value at the fractional position <paramref name="step"/>.</summary>
    /// <param name="step">The position; must be finite and ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or not finite.</exception>
    double At(double step);
}
