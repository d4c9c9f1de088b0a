namespace Regularize.Schedules;

/// <summary>
/// Exponential decay: v(t) = v₀ · γ^t.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>γ</term><description><c>gamma</c></description></item>
/// </list>
/// PyTorch: <c>ExponentialLR(optimizer, gamma=γ)</c> with the group's lr = v₀. Defined for fractional t.
/// </remarks>
public sealed class ExponentialSchedule : IFractionalSchedule
{
    /// <summary>Creates v(t) = <paramref name="baseValue"/> · <paramref name="gamma"/>^t.</summary>
    /// <param name="baseValue">v₀, the value at step 0; finite.</param>
    /// <param name="gamma">γ, the factor per step; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ExponentialSchedule(double baseValue, double gamma)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        Gamma = ScheduleGuard.Positive(gamma, nameof(gamma));
    }

    /// <summary>v₀, the value at step 0.</summary>
    public double BaseValue { get; }

    /// <summary>γ, the factor per step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return BaseValue * Math.Pow(Gamma, step);
    }

    /// <inheritdoc/>
    public double At(double step)
    {
        ScheduleGuard.Step(step);
        return BaseValue * Math.Pow(Gamma, step);
    }
}
