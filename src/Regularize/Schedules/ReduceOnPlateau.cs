using Regularize.Optimizers;

namespace Regularize.Schedules;

/// <summary>
/// Reduces a hyperparameter (by default the learning rate) of parameter groups when a metric stops improving,
/// with PyTorch's <c>ReduceLROnPlateau</c> semantics. For each metric m passed to <see cref="Step"/>:
/// <list type="number">
/// <item>if m is better than best (min, relative: m &lt; best·(1 − θ); min, absolute: m &lt; best − θ;
/// max, relative: m &gt; best·(1 + θ); max, absolute: m &gt; best + θ) then best ← m and bad ← 0, else bad ← bad + 1;</item>
/// <item>if in cooldown (c &gt; 0): c ← c − 1 and bad ← 0;</item>
/// <item>if bad &gt; patience: for each group, v' = max(v · factor, v_min); the group takes v' only if v − v' &gt; ε;
/// then c ← cooldown and bad ← 0.</item>
/// </list>
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter (PyTorch name, default)</description></listheader>
/// <item><term>factor</term><description><c>factor</c> (<c>factor</c>, 0.1): multiplies the group's <em>current</em> value</description></item>
/// <item><term>patience</term><description><c>patience</c> (10): bad metrics tolerated before a reduction</description></item>
/// <item><term>θ</term><description><c>threshold</c> (1e-4), with <c>thresholdMode</c> (<c>threshold_mode</c>, 'rel')</description></item>
/// <item><term>cooldown</term><description><c>cooldown</c> (0): metrics ignored after a reduction</description></item>
/// <item><term>v_min</term><description><c>minValue</c> or per-group <c>minValues</c> (<c>min_lr</c>, 0)</description></item>
/// <item><term>ε</term><description><c>eps</c> (1e-8): reductions smaller than ε are skipped</description></item>
/// </list>
/// Unlike the pure schedules, this one reads and writes the groups' current values, so values set by other code
/// in between are respected (and reduced from). A NaN metric is never better, so it counts as a bad step.
/// </remarks>
public sealed class ReduceOnPlateau
{
    private readonly ParameterGroup[] _groups;
    private readonly double[] _minValues;
    private readonly double[] _lastValues;

    /// <summary>Creates the scheduler with one minimum for all groups.</summary>
    /// <param name="groups">The groups to drive; at least one, none null, none twice.</param>
    /// <param name="mode">Whether lower or higher metrics are better.</param>
    /// <param name="factor">The factor applied to the current value; in [0, 1).</param>
    /// <param name="patience">Bad metrics tolerated before reducing; ≥ 0.</param>
    /// <param name="threshold">θ, the improvement needed to count as better; finite and ≥ 0.</param>
    /// <param name="thresholdMode">Whether θ is relative or absolute.</param>
    /// <param name="cooldown">Metrics ignored after a reduction; ≥ 0.</param>
    /// <param name="minValue">v_min, the lower bound of every group's value; finite and ≥ 0.</param>
    /// <param name="eps">ε, the smallest change applied; finite and ≥ 0.</param>
    /// <param name="hyperparameter">The hyperparameter to reduce; the learning rate when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="ArgumentException">The groups are empty or contain null or a duplicate.</exception>
    public ReduceOnPlateau(IEnumerable<ParameterGroup> groups, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Relative, int cooldown = 0, double minValue = 0,
        double eps = 1e-8, Hyperparameter? hyperparameter = null)
        : this(Scheduler.ValidateGroups(groups), null, ScheduleGuard.NonNegative(minValue, nameof(minValue)), mode, factor, patience, threshold,
            thresholdMode, cooldown, eps, hyperparameter)
    {
    }

    /// <summary>Creates the scheduler with one minimum per group.</summary>
    /// <param name="groups">The groups to drive; at least one, none null, none twice.</param>
    /// <param name="minValues">v_min of each group, in the groups' order; each finite and ≥ 0.</param>
    /// <param name="mode">Whether lower or higher metrics are better.</param>
    /// <param name="factor">The factor applied to the current value; in [0, 1).</param>
    /// <param name="patience">Bad metrics tolerated before reducing; ≥ 0.</param>
    /// <param name="threshold">θ; finite and ≥ 0.</param>
    /// <param name="thresholdMode">Whether θ is relative or absolute.</param>
    /// <param name="cooldown">Metrics ignored after a reduction; ≥ 0.</param>
    /// <param name="eps">ε; finite and ≥ 0.</param>
    /// <param name="hyperparameter">The hyperparameter to reduce; the learning rate when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="ArgumentException">The groups are invalid or <paramref name="minValues"/> has the wrong count.</exception>
    public ReduceOnPlateau(IEnumerable<ParameterGroup> groups, IEnumerable<double> minValues, PlateauMode mode = PlateauMode.Min,
        double factor = 0.1, int patience = 10, double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Relative,
        int cooldown = 0, double eps = 1e-8, Hyperparameter? hyperparameter = null)
        : this(Scheduler.ValidateGroups(groups), minValues?.ToArray() ?? throw new ArgumentNullException(nameof(minValues)), 0, mode, factor,
            patience, threshold, thresholdMode, cooldown, eps, hyperparameter)
    {
    }

    private ReduceOnPlateau(ParameterGroup[] groups, double[]? minValues, double minValue, PlateauMode mode, double factor, int patience,
        double threshold, ThresholdMode thresholdMode, int cooldown, double eps, Hyperparameter? hyperparameter)
    {
        _groups = groups;
        if (minValues is not null)
        {
            if (minValues.Length != groups.Length)
                throw new ArgumentException($"minValues must have one value per group ({groups.Length}), had {minValues.Length}.", nameof(minValues));
            for (int i = 0; i < minValues.Length; i++) ScheduleGuard.NonNegative(minValues[i], $"minValues[{i}]");
            _minValues = minValues;
        }
        else
        {
            _minValues = Enumerable.Repeat(minValue, groups.Length).ToArray();
        }
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode must be a defined PlateauMode, was {mode}.");
        if (!Enum.IsDefined(thresholdMode))
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, $"thresholdMode must be a defined ThresholdMode, was {thresholdMode}.");
        if (!double.IsFinite(factor) || factor < 0 || factor >= 1)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"factor must be in [0, 1) (it multiplies the current value), was {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"patience must be >= 0, was {patience}.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, $"cooldown must be >= 0, was {cooldown}.");
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = ScheduleGuard.NonNegative(threshold, nameof(threshold));
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = ScheduleGuard.NonNegative(eps, nameof(eps));
        Hyperparameter = hyperparameter ?? Hyperparameter.LearningRate;
        Best = WorstValue;
        _lastValues = new double[groups.Length];
        RecordValues();
    }

    /// <summary>Whether lower or higher metrics are better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor applied to the current value at a reduction.</summary>
    public double Factor { get; }

    /// <summary>Bad metrics tolerated before a reduction.</summary>
    public int Patience { get; }

    /// <summary>θ, the improvement needed to count as better.</summary>
    public double Threshold { get; }

    /// <summary>Whether θ is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Metrics ignored after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>ε: a reduction smaller than this is skipped.</summary>
    public double Eps { get; }

    /// <summary>The hyperparameter reduced.</summary>
    public Hyperparameter Hyperparameter { get; }

    /// <summary>The driven groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>The lower bound of each group's value.</summary>
    public IReadOnlyList<double> MinValues => _minValues;

    /// <summary>The best metric so far (+∞ in min mode, −∞ in max mode before any).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive metrics without improvement (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int NumBadSteps { get; private set; }

    /// <summary>Steps of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Whether the scheduler is in cooldown.</summary>
    public bool InCooldown => CooldownCounter > 0;

    /// <summary>The number of metrics seen.</summary>
    public long LastStep { get; private set; }

    /// <summary>The groups' values after the last <see cref="Step"/> (at construction, their values then).</summary>
    public IReadOnlyList<double> LastValues => _lastValues;

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Feeds one metric (typically a validation loss after an epoch) and reduces the values if it has plateaued.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>Whether a reduction was attempted at this step (values may stay if v − v' ≤ ε or the minimum was reached).</returns>
    public bool Step(double metric)
    {
        LastStep++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadSteps = 0;
        }
        else
        {
            NumBadSteps++;
        }

        if (InCooldown)
        {
            CooldownCounter--;
            NumBadSteps = 0;
        }

        bool reduced = false;
        if (NumBadSteps > Patience)
        {
            Reduce();
            CooldownCounter = Cooldown;
            NumBadSteps = 0;
            reduced = true;
        }
        RecordValues();
        return reduced;
    }

    /// <summary>Whether <paramref name="metric"/> improves on <paramref name="best"/> by more than the threshold.</summary>
    /// <param name="metric">A metric.</param>
    /// <param name="best">The best so far.</param>
    /// <returns>True when the metric counts as an improvement.</returns>
    public bool IsBetter(double metric, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Relative) => metric < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Absolute) => metric < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Relative) => metric > best * (Threshold + 1.0),
        _ => metric > best + Threshold,
    };

    /// <summary>Exports the counters and the best metric.</summary>
    /// <returns>A plain record.</returns>
    public ReduceOnPlateauState ExportState() => new(LastStep, Best, NumBadSteps, CooldownCounter);

    /// <summary>Restores counters and best metric exported by a scheduler with the same configuration. Group values are not touched.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">A counter is negative or the best is NaN.</exception>
    public void ImportState(ReduceOnPlateauState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.LastStep < 0) throw new ArgumentException($"state.LastStep must be >= 0, was {state.LastStep}.", nameof(state));
        if (state.NumBadSteps < 0) throw new ArgumentException($"state.NumBadSteps must be >= 0, was {state.NumBadSteps}.", nameof(state));
        if (state.CooldownCounter < 0) throw new ArgumentException($"state.CooldownCounter must be >= 0, was {state.CooldownCounter}.", nameof(state));
        if (double.IsNaN(state.Best)) throw new ArgumentException("state.Best must not be NaN.", nameof(state));
        LastStep = state.LastStep;
        Best = state.Best;
        NumBadSteps = state.NumBadSteps;
        CooldownCounter = state.CooldownCounter;
        RecordValues();
    }

    private void RecordValues()
    {
        for (int i = 0; i < _groups.Length; i++) _lastValues[i] = _groups[i].Get(Hyperparameter);
    }

    private void Reduce()
    {
        for (int i = 0; i < _groups.Length; i++)
        {
            double old = _groups[i].Get(Hyperparameter);
            double reduced = Math.Max(old * Factor, _minValues[i]);
            if (old - reduced > Eps) _groups[i].Set(Hyperparameter, reduced);
        }
    }
}
