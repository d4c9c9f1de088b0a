namespace Regularize.Schedules;

/// <summary>
/// Cosine annealing from v₀ down to an absolute floor v_min over T steps:
/// v(t) = v_min + (v₀ − v_min) · (1 + cos(π t / T)) / 2.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c> (PyTorch's η_max, the group's initial lr)</description></item>
/// <item><term>T</term><description><c>tMax</c> (PyTorch's <c>T_max</c>)</description></item>
/// <item><term>v_min</term><description><c>floor</c> (PyTorch's <c>eta_min</c>): an absolute value, not a fraction of v₀</description></item>
/// </list>
/// PyTorch: <c>CosineAnnealingLR(optimizer, T_max=T, eta_min=v_min)</c>. As in PyTorch the formula is
/// not clamped: past T the value rises again (period 2T). To hold the floor after T, follow it with a
/// <see cref="ConstantSchedule"/> in a <see cref="SequentialSchedule"/>. Defined for fractional t.
/// </remarks>
public sealed class CosineAnnealing : IFractionalSchedule
{
    /// <summary>Creates v(t) = <paramref name="floor"/> + (<paramref name="baseValue"/> − <paramref name="floor"/>) · (1 + cos(π t / <paramref name="tMax"/>)) / 2.</summary>
    /// <param name="baseValue">v₀, the value at step 0; finite.</param>
    /// <param name="tMax">T, the number of steps from v₀ to the floor; &gt; 0.</param>
    /// <param name="floor">v_min, the absolute value reached at step T; finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineAnnealing(double baseValue, long tMax, double floor = 0)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        TMax = ScheduleGuard.Positive(tMax, nameof(tMax));
        Floor = ScheduleGuard.Finite(floor, nameof(floor));
    }

    /// <summary>v₀, the value at step 0.</summary>
    public double BaseValue { get; }

    /// <summary>T, the half-period in steps.</summary>
    public long TMax { get; }

    /// <summary>v_min, the absolute floor reached at step T.</summary>
    public double Floor { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return Evaluate(step);
    }

    /// <inheritdoc/>
    public double At(double step)
    {
        ScheduleGuard.Step(step);
        return Evaluate(step);
    }

    private double Evaluate(double t) => Floor + (BaseValue - Floor) * (1 + Math.Cos(Math.PI * t / TMax)) / 2;
}
