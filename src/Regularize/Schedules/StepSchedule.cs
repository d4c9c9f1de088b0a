namespace Regularize.Schedules;

/// <summary>
/// Step decay: v(t) = v₀ · γ^⌊t / s⌋, the value multiplied by γ every s steps.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>s</term><description><c>stepSize</c></description></item>
/// <item><term>γ</term><description><c>gamma</c></description></item>
/// </list>
/// PyTorch: <c>StepLR(optimizer, step_size=s, gamma=γ)</c> with the group's lr = v₀.
/// </remarks>
public sealed class StepSchedule : ISchedule
{
    /// <summary>Creates v(t) = <paramref name="baseValue"/> · <paramref name="gamma"/>^⌊t / <paramref name="stepSize"/>⌋.</summary>
    /// <param name="baseValue">v₀, the value at step 0; finite.</param>
    /// <param name="stepSize">s, the period of the decay in steps; &gt; 0.</param>
    /// <param name="gamma">γ, the factor applied every period; finite and ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public StepSchedule(double baseValue, long stepSize, double gamma = 0.1)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        StepSize = ScheduleGuard.Positive(stepSize, nameof(stepSize));
        Gamma = ScheduleGuard.NonNegative(gamma, nameof(gamma));
    }

    /// <summary>v₀, the value at step 0.</summary>
    public double BaseValue { get; }

    /// <summary>s, the period in steps.</summary>
    public long StepSize { get; }

    /// <summary>γ, the factor applied every period.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return BaseValue * Math.Pow(Gamma, step / StepSize);
    }
}
