namespace Regularize.Schedules;

/// <summary>
/// A schedule multiplied by a factor each step: v(0) = v₀ and v(t) = v(t − 1) · f(t), so v(t) = v₀ · Π_{k=1..t} f(k).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>f</term><description><c>factor</c>, the multiplier applied on reaching step k</description></item>
/// </list>
/// PyTorch: <c>MultiplicativeLR(optimizer, lr_lambda=f)</c> with the group's lr = v₀; the product is formed in the
/// same order (v(t − 1) · f(t)), so the values agree bit for bit. The factor must be pure (the same k gives the
/// same value) for <see cref="At"/> to be a function of t. The product up to the last step asked for is
/// remembered, so walking the steps in order costs one multiplication each; an earlier step is recomputed from v₀.
/// </remarks>
public sealed class MultiplicativeSchedule : ISchedule
{
    private readonly Func<long, double> _factor;
    private readonly object _gate = new();
    private long _cachedStep;
    private double _cachedValue;

    /// <summary>Creates v(t) = <paramref name="baseValue"/> · Π_{k=1..t} <paramref name="factor"/>(k).</summary>
    /// <param name="baseValue">v₀, the value at step 0; finite.</param>
    /// <param name="factor">f, the multiplier applied on reaching each step k ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseValue"/> is not finite.</exception>
    public MultiplicativeSchedule(double baseValue, Func<long, double> factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        _factor = factor;
        _cachedValue = BaseValue;
    }

    /// <summary>v₀, the value at step 0.</summary>
    public double BaseValue { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        lock (_gate)
        {
            if (step < _cachedStep)
            {
                _cachedStep = 0;
                _cachedValue = BaseValue;
            }
            double v = _cachedValue;
            for (long k = _cachedStep + 1; k <= step; k++) v *= _factor(k);
            _cachedStep = step;
            _cachedValue = v;
            return v;
        }
    }
}
