namespace Regularize.Schedules;

/// <summary>
/// A schedule from a user function: v(t) = f(t), or v(t) = v₀ · f(t) with a base value (PyTorch's <c>LambdaLR</c>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>f</term><description><c>function</c> (absolute) or <c>factor</c> (multiplier of v₀)</description></item>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// </list>
/// PyTorch: <c>LambdaLR(optimizer, lr_lambda=f)</c> with the group's lr = v₀. The function should be pure
/// (the same t gives the same value), or resuming from exported state will not reproduce the run. It is
/// also the adapter from optimizer steps to fractional positions, e.g.
/// <c>new LambdaSchedule(t => sgdr.At(t / (double)batchesPerEpoch))</c> steps SGDR by epoch fractions.
/// </remarks>
public sealed class LambdaSchedule : ISchedule
{
    private readonly Func<long, double> _function;
    private readonly double _baseValue;

    /// <summary>Creates v(t) = <paramref name="function"/>(t).</summary>
    /// <param name="function">f, returning the absolute value at a step.</param>
    public LambdaSchedule(Func<long, double> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _baseValue = 1.0;
    }

    /// <summary>Creates v(t) = <paramref name="baseValue"/> · <paramref name="factor"/>(t), as PyTorch's <c>LambdaLR</c>.</summary>
    /// <param name="baseValue">v₀; finite.</param>
    /// <param name="factor">f, returning the multiplier of v₀ at a step.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseValue"/> is not finite.</exception>
    public LambdaSchedule(double baseValue, Func<long, double> factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        _baseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        _function = factor;
    }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return _baseValue * _function(step);
    }
}
