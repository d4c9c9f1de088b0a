namespace Regularize.Schedules;

/// <summary>
/// Linear change of a factor from f₀ to f₁ over T steps, then held:
/// v(t) = v₀ · (f₀ + (f₁ − f₀) · min(t, T) / T).
/// With f₀ &lt; f₁ it is a warm-up; with f₀ &gt; f₁ a linear decay.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>f₀</term><description><c>startFactor</c> (PyTorch's <c>start_factor</c>, default 1/3)</description></item>
/// <item><term>f₁</term><description><c>endFactor</c> (PyTorch's <c>end_factor</c>, default 1)</description></item>
/// <item><term>T</term><description><c>totalSteps</c> (PyTorch's <c>total_iters</c>, default 5)</description></item>
/// </list>
/// PyTorch: <c>LinearLR(optimizer, start_factor=f₀, end_factor=f₁, total_iters=T)</c>. PyTorch requires
/// both factors in [0, 1]; here any finite factor ≥ 0 is accepted. Defined for fractional t.
/// </remarks>
public sealed class LinearSchedule : IFractionalSchedule
{
    /// <summary>Creates v(t) = <paramref name="baseValue"/> · (f₀ + (f₁ − f₀) · min(t, T) / T).</summary>
    /// <param name="baseValue">v₀; finite.</param>
    /// <param name="startFactor">f₀, the factor at step 0; finite and ≥ 0.</param>
    /// <param name="endFactor">f₁, the factor from step T on; finite and ≥ 0.</param>
    /// <param name="totalSteps">T, the length of the ramp in steps; &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public LinearSchedule(double baseValue, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalSteps = 5)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        StartFactor = ScheduleGuard.NonNegative(startFactor, nameof(startFactor));
        EndFactor = ScheduleGuard.NonNegative(endFactor, nameof(endFactor));
        TotalSteps = ScheduleGuard.Positive(totalSteps, nameof(totalSteps));
    }

    /// <summary>v₀.</summary>
    public double BaseValue { get; }

    /// <summary>f₀, the factor at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>f₁, the factor from step T on.</summary>
    public double EndFactor { get; }

    /// <summary>T, the length of the ramp.</summary>
    public long TotalSteps { get; }

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

    private double Evaluate(double clamped) => BaseValue * (StartFactor + (EndFactor - StartFactor) * clamped / TotalSteps);
}
