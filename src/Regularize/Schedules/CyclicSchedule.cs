namespace Regularize.Schedules;

/// <summary>
/// A cyclical schedule (CLR): the value moves linearly from v_b to v_p over U steps and back over D steps,
/// with an amplitude scaled per cycle or per step:
/// c = ⌊1 + t / (U + D)⌋, x = 1 + t / (U + D) − c, r = U / (U + D),
/// h = x / r if x ≤ r else (x − 1) / (r − 1),
/// v(t) = v_b + (v_p − v_b) · h · s, with s = 1 (triangular), 1 / 2^(c−1) (triangular2), γ^t (exp_range), or a
/// user scale function φ evaluated at c or at t (custom).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v_b</term><description><c>baseValue</c>: the value at the start and end of each cycle (PyTorch's <c>base_lr</c>)</description></item>
/// <item><term>v_p</term><description><c>peakValue</c>: the value at the turning point (PyTorch's <c>max_lr</c>); may be below v_b</description></item>
/// <item><term>U, D</term><description><c>stepSizeUp</c>, <c>stepSizeDown</c> (D defaults to U)</description></item>
/// <item><term>γ</term><description><c>gamma</c>, used by <see cref="CyclicMode.ExpRange"/> only</description></item>
/// <item><term>φ</term><description><c>scaleFunction</c>, with <c>scaleMode</c> choosing its argument: c (<see cref="CyclicScaleMode.Cycle"/>) or t (<see cref="CyclicScaleMode.Iterations"/>)</description></item>
/// </list>
/// PyTorch: <c>CyclicLR(optimizer, base_lr=v_b, max_lr=v_p, step_size_up=U, step_size_down=D, mode=…, gamma=γ)</c>,
/// or with <c>scale_fn=φ, scale_mode='cycle'|'iterations'</c> for the constructor that takes a scale function.
/// Its momentum cycle (<c>cycle_momentum=True</c>) runs the other way, from <c>max_momentum</c> down to
/// <c>base_momentum</c> at the turning point: that is <see cref="Momentum"/>, a second schedule bound to the
/// momentum (or β₁) by its own <see cref="Scheduler"/>.
/// </remarks>
public sealed class CyclicSchedule : ISchedule
{
    private readonly double _totalSize;
    private readonly double _stepRatio;

    /// <summary>Creates a cyclical schedule between <paramref name="baseValue"/> and <paramref name="peakValue"/>.</summary>
    /// <param name="baseValue">v_b, the value at the start of each cycle; finite.</param>
    /// <param name="peakValue">v_p, the value at the turning point; finite.</param>
    /// <param name="stepSizeUp">U, the steps from v_b to v_p; &gt; 0.</param>
    /// <param name="stepSizeDown">D, the steps from v_p back to v_b; &gt; 0; null means U.</param>
    /// <param name="mode">How the amplitude is scaled.</param>
    /// <param name="gamma">γ for <see cref="CyclicMode.ExpRange"/>; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CyclicSchedule(double baseValue, double peakValue, long stepSizeUp = 2000, long? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        PeakValue = ScheduleGuard.Finite(peakValue, nameof(peakValue));
        StepSizeUp = ScheduleGuard.Positive(stepSizeUp, nameof(stepSizeUp));
        StepSizeDown = stepSizeDown is { } down ? ScheduleGuard.Positive(down, nameof(stepSizeDown)) : stepSizeUp;
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode must be a defined CyclicMode, was {mode}.");
        if (mode == CyclicMode.Custom)
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode Custom needs a scale function: use the constructor that takes scaleFunction.");
        Mode = mode;
        ScaleMode = mode == CyclicMode.ExpRange ? CyclicScaleMode.Iterations : CyclicScaleMode.Cycle;
        Gamma = ScheduleGuard.Positive(gamma, nameof(gamma));
        _totalSize = (double)StepSizeUp + StepSizeDown;
        _stepRatio = StepSizeUp / _totalSize;
    }

    /// <summary>
    /// Creates a cyclical schedule whose amplitude is scaled by <paramref name="scaleFunction"/> φ: s = φ(c) for
    /// <see cref="CyclicScaleMode.Cycle"/>, s = φ(t) for <see cref="CyclicScaleMode.Iterations"/> (PyTorch's
    /// <c>scale_fn</c> and <c>scale_mode</c>). φ should be pure; its value is used as is.
    /// </summary>
    /// <param name="baseValue">v_b, the value at the start of each cycle; finite.</param>
    /// <param name="peakValue">v_p, the value at the turning point; finite.</param>
    /// <param name="scaleFunction">φ, the amplitude scale as a function of the cycle number c ≥ 1 or the step t ≥ 0.</param>
    /// <param name="scaleMode">Whether φ receives c or t.</param>
    /// <param name="stepSizeUp">U, the steps from v_b to v_p; &gt; 0.</param>
    /// <param name="stepSizeDown">D, the steps from v_p back to v_b; &gt; 0; null means U.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CyclicSchedule(double baseValue, double peakValue, Func<double, double> scaleFunction,
        CyclicScaleMode scaleMode = CyclicScaleMode.Cycle, long stepSizeUp = 2000, long? stepSizeDown = null)
        : this(baseValue, peakValue, stepSizeUp, stepSizeDown)
    {
        ArgumentNullException.ThrowIfNull(scaleFunction);
        if (!Enum.IsDefined(scaleMode))
            throw new ArgumentOutOfRangeException(nameof(scaleMode), scaleMode, $"scaleMode must be a defined CyclicScaleMode, was {scaleMode}.");
        Mode = CyclicMode.Custom;
        ScaleMode = scaleMode;
        ScaleFunction = scaleFunction;
    }

    /// <summary>
    /// The momentum companion of a cyclical learning rate: it starts at <paramref name="maxMomentum"/>, falls to
    /// <paramref name="baseMomentum"/> where the learning rate peaks, and rises back (PyTorch's
    /// <c>cycle_momentum=True</c> with <c>base_momentum</c>, <c>max_momentum</c>). Pass the same step sizes, mode and γ as the
    /// learning-rate schedule.
    /// </summary>
    /// <param name="baseMomentum">The momentum at the turning point; finite (PyTorch default 0.8).</param>
    /// <param name="maxMomentum">The momentum at the start of each cycle; finite (PyTorch default 0.9).</param>
    /// <param name="stepSizeUp">U, as for the learning rate.</param>
    /// <param name="stepSizeDown">D, as for the learning rate.</param>
    /// <param name="mode">The amplitude scaling, as for the learning rate.</param>
    /// <param name="gamma">γ, as for the learning rate.</param>
    /// <returns>A schedule with v_b = <paramref name="maxMomentum"/> and v_p = <paramref name="baseMomentum"/>.</returns>
    public static CyclicSchedule Momentum(double baseMomentum = 0.8, double maxMomentum = 0.9, long stepSizeUp = 2000,
        long? stepSizeDown = null, CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0)
        => new(maxMomentum, baseMomentum, stepSizeUp, stepSizeDown, mode, gamma);

    /// <summary>v_b, the value at the start of each cycle.</summary>
    public double BaseValue { get; }

    /// <summary>v_p, the value at the turning point.</summary>
    public double PeakValue { get; }

    /// <summary>U, the steps from v_b to v_p.</summary>
    public long StepSizeUp { get; }

    /// <summary>D, the steps from v_p back to v_b.</summary>
    public long StepSizeDown { get; }

    /// <summary>The amplitude scaling.</summary>
    public CyclicMode Mode { get; }

    /// <summary>Whether the scale is a function of the cycle number or of the step (<see cref="CyclicScaleMode.Iterations"/> for <see cref="CyclicMode.ExpRange"/>).</summary>
    public CyclicScaleMode ScaleMode { get; }

    /// <summary>φ, the user scale function of <see cref="CyclicMode.Custom"/>; null for the built-in modes.</summary>
    public Func<double, double>? ScaleFunction { get; }

    /// <summary>γ, the per-step amplitude factor of <see cref="CyclicMode.ExpRange"/>.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        double t = step;
        double cycle = Math.Floor(1 + t / _totalSize);
        double x = 1.0 + t / _totalSize - cycle;
        double h = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double s = Mode switch
        {
            CyclicMode.Triangular => 1.0,
            CyclicMode.Triangular2 => 1 / Math.Pow(2.0, cycle - 1),
            CyclicMode.ExpRange => Math.Pow(Gamma, t),
            _ => ScaleFunction!(ScaleMode == CyclicScaleMode.Cycle ? cycle : t),
        };
        double height = (PeakValue - BaseValue) * h;
        return BaseValue + height * s;
    }
}
