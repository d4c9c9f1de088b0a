namespace Regularize.Schedules;

/// <summary>
/// The one-cycle policy (Smith &amp; Topin, "Super-Convergence", 2018), as PyTorch's <c>OneCycleLR</c>: the value
/// rises from v₀ = v_max / d to v_max over the first p·N steps, then anneals to v_min = v₀ / d_f by step N − 1.
/// With e₁ = p·N − 1 and anneal(s, e, q) = e + (s − e)(1 + cos(π q)) / 2 (cosine) or s + (e − s) q (linear):
/// v(t) = anneal(v₀, v_max, t / e₁) for t ≤ e₁, and v(t) = anneal(v_max, v_min, (t − e₁) / (N − 1 − e₁)) after.
/// Three-phase: with e₂ = 2p·N − 2, v_max → v₀ over (e₁, e₂], then v₀ → v_min over (e₂, N − 1].
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter (PyTorch name, PyTorch default)</description></listheader>
/// <item><term>v_max</term><description><c>maxValue</c> (<c>max_lr</c>)</description></item>
/// <item><term>N</term><description><c>totalSteps</c> (<c>total_steps</c>, or epochs · steps_per_epoch)</description></item>
/// <item><term>p</term><description><c>pctStart</c> (<c>pct_start</c>, 0.3)</description></item>
/// <item><term>anneal</term><description><c>annealing</c> (<c>anneal_strategy</c>, 'cos')</description></item>
/// <item><term>d</term><description><c>divFactor</c> (<c>div_factor</c>, 25)</description></item>
/// <item><term>d_f</term><description><c>finalDivFactor</c> (<c>final_div_factor</c>, 1e4)</description></item>
/// <item><term></term><description><c>threePhase</c> (<c>three_phase</c>, false)</description></item>
/// </list>
/// Momentum (or β₁) is cycled the other way by the companion <see cref="OneCycleMomentum"/> (see
/// <see cref="MomentumCycle"/>), bound by its own <see cref="Scheduler"/>. Steps past N − 1 hold the final value
/// v_min (PyTorch extrapolates one step past the end and then raises).
/// </remarks>
public sealed class OneCycle : ISchedule
{
    private readonly OneCyclePhases _phases;
    private readonly (double Start, double End)[] _values;

    /// <summary>Creates the one-cycle schedule with PyTorch's defaults.</summary>
    /// <param name="maxValue">v_max, the peak value; finite and &gt; 0.</param>
    /// <param name="totalSteps">N, the length of the cycle in steps; &gt; 0.</param>
    /// <param name="pctStart">p, the fraction of the cycle spent rising; in [0, 1].</param>
    /// <param name="annealing">Cosine or linear interpolation within each phase.</param>
    /// <param name="divFactor">d: the start value is v_max / d; finite and &gt; 0.</param>
    /// <param name="finalDivFactor">d_f: the final value is v_max / (d · d_f); finite and &gt; 0.</param>
    /// <param name="threePhase">Whether to come back down to v₀ symmetrically and then anneal to v_min in a third phase.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public OneCycle(double maxValue, long totalSteps, double pctStart = 0.3, OneCycleAnnealing annealing = OneCycleAnnealing.Cosine,
        double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false)
    {
        MaxValue = ScheduleGuard.Positive(maxValue, nameof(maxValue));
        DivFactor = ScheduleGuard.Positive(divFactor, nameof(divFactor));
        FinalDivFactor = ScheduleGuard.Positive(finalDivFactor, nameof(finalDivFactor));
        _phases = new OneCyclePhases(totalSteps, pctStart, annealing, threePhase);
        InitialValue = maxValue / divFactor;
        MinValue = InitialValue / finalDivFactor;
        _values = threePhase
            ? [(InitialValue, MaxValue), (MaxValue, InitialValue), (InitialValue, MinValue)]
            : [(InitialValue, MaxValue), (MaxValue, MinValue)];
    }

    /// <summary>v_max, the peak.</summary>
    public double MaxValue { get; }

    /// <summary>v₀ = v_max / d, the value at step 0.</summary>
    public double InitialValue { get; }

    /// <summary>v_min = v₀ / d_f, the value at step N − 1.</summary>
    public double MinValue { get; }

    /// <summary>d.</summary>
    public double DivFactor { get; }

    /// <summary>d_f.</summary>
    public double FinalDivFactor { get; }

    /// <summary>N, the length of the cycle.</summary>
    public long TotalSteps => _phases.TotalSteps;

    /// <summary>p, the fraction of the cycle spent rising.</summary>
    public double PctStart => _phases.PctStart;

    /// <summary>The interpolation within each phase.</summary>
    public OneCycleAnnealing Annealing => _phases.Annealing;

    /// <summary>Whether the cycle has three phases.</summary>
    public bool ThreePhase => _phases.ThreePhase;

    /// <summary>
    /// The matching momentum (or β₁) cycle: same length, phases and annealing; from <paramref name="maxMomentum"/>
    /// down to <paramref name="baseMomentum"/> at the peak of the learning rate and back.
    /// </summary>
    /// <param name="baseMomentum">The momentum at the learning-rate peak (PyTorch default 0.85).</param>
    /// <param name="maxMomentum">The momentum at the start and end (PyTorch default 0.95).</param>
    /// <returns>The companion schedule.</returns>
    public OneCycleMomentum MomentumCycle(double baseMomentum = 0.85, double maxMomentum = 0.95)
        => new(TotalSteps, baseMomentum, maxMomentum, PctStart, Annealing, ThreePhase);

    /// <inheritdoc/>
    public double At(long step) => _phases.At(step, _values);
}
