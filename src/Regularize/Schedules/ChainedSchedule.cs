namespace Regularize.Schedules;

/// <summary>
/// Schedules composed by multiplication: v(t) = v₀ · Π_i f_i(t), where each f_i is a schedule of multipliers (one built
/// with a base value of 1). Use it when two schedules should act on the same hyperparameter together: two
/// <see cref="Scheduler"/>s bound to one hyperparameter overwrite each other, a chained schedule multiplies.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>f_i</term><description><c>factors</c>[i]</description></item>
/// </list>
/// PyTorch: <c>ChainedScheduler([s₁, s₂, …])</c> over an optimizer whose lr is v₀. Each of PyTorch's schedulers there
/// multiplies the group's current lr by its own ratio f_i(t)/f_i(t − 1) (its chainable form), so the lr in force is
/// v₀ · Π_i f_i(t); this class evaluates that product directly. For example
/// <c>new ChainedSchedule(0.1, [new ExponentialSchedule(1, 0.99), new StepSchedule(1, 30, 0.5)])</c> is
/// <c>ChainedScheduler([ExponentialLR(opt, 0.99), StepLR(opt, 30, 0.5)])</c> with lr 0.1. With v₀ = 1 and
/// <see cref="ScheduleMode.MultiplyInitial"/>, the product multiplies each group's own initial value.
/// </remarks>
public sealed class ChainedSchedule : ISchedule
{
    private readonly ISchedule[] _factors;

    /// <summary>Creates v(t) = <paramref name="baseValue"/> · Π_i <paramref name="factors"/>[i](t).</summary>
    /// <param name="baseValue">v₀; finite.</param>
    /// <param name="factors">The multiplier schedules; at least one, none null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseValue"/> is not finite.</exception>
    /// <exception cref="ArgumentException">The factors are empty or contain null.</exception>
    public ChainedSchedule(double baseValue, IEnumerable<ISchedule> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        _factors = factors.ToArray();
        if (_factors.Length == 0) throw new ArgumentException("factors must contain at least one schedule, was empty.", nameof(factors));
        for (int i = 0; i < _factors.Length; i++)
            if (_factors[i] is null) throw new ArgumentException($"factors[{i}] is null.", nameof(factors));
    }

    /// <summary>v₀, the value the factors multiply.</summary>
    public double BaseValue { get; }

    /// <summary>The multiplier schedules, in order.</summary>
    public IReadOnlyList<ISchedule> Factors => _factors;

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        double v = BaseValue;
        foreach (var f in _factors) v *= f.At(step);
        return v;
    }
}
