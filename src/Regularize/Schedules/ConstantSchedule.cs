namespace Regularize.Schedules;

/// <summary>
/// A constant value: v(t) = v for every step t.
/// </summary>
/// <remarks>
/// PyTorch has no scheduler for this (a group with no scheduler keeps its value). Its <c>ConstantLR</c>
/// (factor f until step T, then the base) is <c>new SequentialSchedule([new ConstantSchedule(f·base),
/// new ConstantSchedule(base)], [T])</c>.
/// </remarks>
public sealed class ConstantSchedule : IFractionalSchedule
{
    /// <summary>Creates the constant schedule v(t) = <paramref name="value"/>.</summary>
    /// <param name="value">The value v; must be finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not finite.</exception>
    public ConstantSchedule(double value) => Value = ScheduleGuard.Finite(value, nameof(value));

    /// <summary>The value v.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return Value;
    }

    /// <inheritdoc/>
    public double At(double step)
    {
        ScheduleGuard.Step(step);
        return Value;
    }
}
