namespace Regularize.Schedules;

/// <summary>
/// Polynomial decay to zero over T steps, then held at zero:
/// v(t) = v₀ · (1 − min(t, T) / T)^p.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>T</term><description><c>totalSteps</c> (PyTorch's <c>total_iters</c>)</description></item>
/// <item><term>p</term><description><c>power</c></description></item>
/// </list>
/// PyTorch: <c>PolynomialLR(optimizer, total_iters=T, power=p)</c>. To decay to a nonzero end value e,
/// write v₀ − e here and add e with a <see cref="LambdaSchedule"/> (optax's <c>polynomial_schedule</c> has
/// an end value). Defined for fractional t.
/// </remarks>
public sealed class PolynomialSchedule : IFractionalSchedule
{
    /// <summary>Creates v(t) = <paramref name="baseValue"/> · (1 − min(t, T) / T)^<paramref name="power"/>.</summary>
    /// <param name="baseValue">v₀; finite.</param>
    /// <param name="totalSteps">T, the number of steps to reach zero; &gt; 0.</param>
    /// <param name="power">p; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public PolynomialSchedule(double baseValue, long totalSteps = 5, double power = 1.0)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        TotalSteps = ScheduleGuard.Positive(totalSteps, nameof(totalSteps));
        Power = ScheduleGuard.Positive(power, nameof(power));
    }

    /// <summary>v₀.</summary>
    public double BaseValue { get; }

    /// <summary>T, the number of steps to reach zero.</summary>
    public long TotalSteps { get; }

    /// <summary>p, the power.</summary>
    public double Power { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return Evaluate(Math.Min(TotalSteps, step));
    }

    /// <inheritdoc/>
    public double At(double step)
    {
        ScheduleGuard.Step(step);
        return Evaluate(Math.Min(TotalSteps, step));
    }

    private double Evaluate(double clamped) => BaseValue * Math.Pow(1.0 - clamped / TotalSteps, Power);
}
