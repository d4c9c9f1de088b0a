using Regularize.Optimizers;

namespace Regularize.Schedules;

/// <summary>
/// Binds a schedule to one hyperparameter (learning rate, weight decay, momentum, β₁, β₂) of one or more
/// parameter groups, and writes the schedule's value into them: at construction the value of step 0 is
/// written, and each <see cref="Step"/> advances the count and writes the next step's value. Call it after
/// the optimizer's step, as in PyTorch:
/// <code>
/// var lr = new Scheduler(groups, new CosineAnnealing(baseValue: 0.1, tMax: steps));   // writes step 0
/// for (...) { loss.Backward(); optimizer.Step(); lr.Step(); }                         // writes step 1, 2, …
/// </code>
/// </summary>
/// <remarks>
/// The value written into group g at step t is s_g(t) (<see cref="ScheduleMode.Absolute"/>), v₀_g · s_g(t)
/// (<see cref="ScheduleMode.MultiplyInitial"/>) or v₀_g · s_g(t) / s_g(0) (<see cref="ScheduleMode.MultiplyInitialByRatio"/>),
/// where v₀_g is the group's value when the scheduler was bound. Several schedulers may drive different
/// hyperparameters of the same groups (one-cycle on the learning rate and its momentum cycle on β₁; a separate
/// schedule on the weight decay). Two schedulers on the same hyperparameter of a group overwrite each other:
/// the one stepped last wins. A scheduler never patches or wraps the optimizer; it only writes group values.
/// </remarks>
public sealed class Scheduler
{
    private readonly ParameterGroup[] _groups;
    private readonly ISchedule[] _schedules;
    private readonly double[] _initialValues;
    private readonly double[] _lastValues;
    private readonly double[] _startValues; // s_g(0), the divisor of MultiplyInitialByRatio

    /// <summary>Binds one schedule to <paramref name="hyperparameter"/> of every group, and writes the value of step 0.</summary>
    /// <param name="groups">The groups to drive; at least one, none null, none twice.</param>
    /// <param name="schedule">The schedule.</param>
    /// <param name="hyperparameter">The hyperparameter to write (any <see cref="Optimizers.Hyperparameter"/>, including one an optimizer defines); the learning rate when null.</param>
    /// <param name="mode">How the schedule's value becomes the written value.</param>
    /// <exception cref="ArgumentException">The groups are empty or contain null or a duplicate; in
    /// <see cref="ScheduleMode.MultiplyInitialByRatio"/> the schedule's value at step 0 is zero or not finite.</exception>
    /// <exception cref="InvalidOperationException">A group rejects the value of step 0 (for example a momentum ≥ 1).</exception>
    public Scheduler(IEnumerable<ParameterGroup> groups, ISchedule schedule, Hyperparameter? hyperparameter = null,
        ScheduleMode mode = ScheduleMode.Absolute)
        : this(ValidateGroups(groups), schedule is null ? throw new ArgumentNullException(nameof(schedule)) : null, schedule, hyperparameter, mode)
    {
    }

    /// <summary>Binds one schedule per group (in the groups' order) to <paramref name="hyperparameter"/>, and writes the value of step 0.</summary>
    /// <param name="groups">The groups to drive; at least one, none null, none twice.</param>
    /// <param name="schedules">One schedule per group, none null.</param>
    /// <param name="hyperparameter">The hyperparameter to write (any <see cref="Optimizers.Hyperparameter"/>, including one an optimizer defines); the learning rate when null.</param>
    /// <param name="mode">How each schedule's value becomes the written value.</param>
    /// <exception cref="ArgumentException">The counts differ, a schedule is null, the groups are invalid, or (ratio mode) a schedule's value at step 0 is zero or not finite.</exception>
    /// <exception cref="InvalidOperationException">A group rejects the value of step 0.</exception>
    public Scheduler(IEnumerable<ParameterGroup> groups, IEnumerable<ISchedule> schedules, Hyperparameter? hyperparameter = null,
        ScheduleMode mode = ScheduleMode.Absolute)
        : this(ValidateGroups(groups), schedules?.ToArray() ?? throw new ArgumentNullException(nameof(schedules)), null, hyperparameter, mode)
    {
    }

    private Scheduler(ParameterGroup[] groups, ISchedule[]? perGroup, ISchedule? shared, Hyperparameter? hyperparameter, ScheduleMode mode)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode must be a defined ScheduleMode, was {mode}.");
        _groups = groups;
        if (perGroup is not null)
        {
            if (perGroup.Length != groups.Length)
                throw new ArgumentException($"schedules must have one schedule per group ({groups.Length}), had {perGroup.Length}.", "schedules");
            for (int i = 0; i < perGroup.Length; i++)
                if (perGroup[i] is null) throw new ArgumentException($"schedules[{i}] is null.", "schedules");
            _schedules = perGroup;
        }
        else
        {
            _schedules = Enumerable.Repeat(shared!, groups.Length).ToArray();
        }
        Hyperparameter = hyperparameter ??= Hyperparameter.LearningRate;
        Mode = mode;
        _initialValues = groups.Select(g => g.Get(hyperparameter)).ToArray();
        _lastValues = new double[groups.Length];
        _startValues = new double[groups.Length];
        if (mode == ScheduleMode.MultiplyInitialByRatio)
        {
            for (int i = 0; i < _schedules.Length; i++)
            {
                double s0 = _startValues[i] = _schedules[i].At(0);
                if (!double.IsFinite(s0) || s0 == 0)
                    throw new ArgumentException(
                        $"mode MultiplyInitialByRatio divides by the schedule's value at step 0, which is {s0} for group {Describe(i)}; use MultiplyInitial with a multiplier schedule instead.",
                        perGroup is null ? "schedule" : "schedules");
            }
        }
        Write();
    }

    /// <summary>The driven hyperparameter.</summary>
    public Hyperparameter Hyperparameter { get; }

    /// <summary>How schedule values become written values.</summary>
    public ScheduleMode Mode { get; }

    /// <summary>The driven groups, in order.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>The schedule of each group, in the groups' order.</summary>
    public IReadOnlyList<ISchedule> Schedules => _schedules;

    /// <summary>Each group's value v₀ when the scheduler was bound (the base of the multiplier modes).</summary>
    public IReadOnlyList<double> InitialValues => _initialValues;

    /// <summary>The step whose values are in place: 0 after construction, incremented by <see cref="Step"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>The values last written, one per group (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastValues => _lastValues;

    /// <summary>Advances to the next step and writes its values; call it after the optimizer's step.</summary>
    /// <exception cref="InvalidOperationException">A group rejects the new value.</exception>
    public void Step()
    {
        StepCount++;
        Write();
    }

    /// <summary>The value this scheduler writes into group <paramref name="groupIndex"/> at <paramref name="step"/>, without writing it.</summary>
    /// <param name="groupIndex">The group's index in <see cref="Groups"/>.</param>
    /// <param name="step">The step; ≥ 0.</param>
    /// <returns>The value, after the mode is applied.</returns>
    public double ValueAt(int groupIndex, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(groupIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(groupIndex, _groups.Length);
        double v = _schedules[groupIndex].At(step);
        return Mode switch
        {
            ScheduleMode.Absolute => v,
            ScheduleMode.MultiplyInitial => _initialValues[groupIndex] * v,
            _ => _initialValues[groupIndex] * (v / _startValues[groupIndex]),
        };
    }

    /// <summary>Exports the step count and the initial values (the schedules themselves are configuration, not state).</summary>
    /// <returns>A plain record.</returns>
    public SchedulerState ExportState() => new(StepCount, _initialValues.ToArray(), Hyperparameter, Mode);

    /// <summary>Restores a state exported by a scheduler with the same groups, schedules, hyperparameter and mode, and writes that step's values.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">The state's hyperparameter, mode or number of groups differs, or its step is negative.</exception>
    public void ImportState(SchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Hyperparameter != Hyperparameter)
            throw new ArgumentException($"state drives {state.Hyperparameter} but this scheduler drives {Hyperparameter}.", nameof(state));
        if (state.Mode != Mode)
            throw new ArgumentException($"state has mode {state.Mode} but this scheduler has mode {Mode}.", nameof(state));
        if (state.InitialValues is null || state.InitialValues.Count != _groups.Length)
            throw new ArgumentException($"state has {state.InitialValues?.Count ?? 0} initial values but this scheduler drives {_groups.Length} groups.", nameof(state));
        if (state.Step < 0)
            throw new ArgumentException($"state.Step must be >= 0, was {state.Step}.", nameof(state));
        for (int i = 0; i < state.InitialValues.Count; i++)
        {
            if (!double.IsFinite(state.InitialValues[i]))
                throw new ArgumentException($"state.InitialValues[{i}] must be finite, was {state.InitialValues[i]}.", nameof(state));
        }
        for (int i = 0; i < _initialValues.Length; i++) _initialValues[i] = state.InitialValues[i];
        StepCount = state.Step;
        Write();
    }

    private void Write()
    {
        for (int i = 0; i < _groups.Length; i++)
        {
            double value = ValueAt(i, StepCount);
            try
            {
                _groups[i].Set(Hyperparameter, value);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidOperationException(
                    $"Scheduler for {Hyperparameter} at step {StepCount}: group {Describe(i)} rejected the value {value}: {e.Message}", e);
            }
            _lastValues[i] = value;
        }
    }

    private string Describe(int i) => _groups[i].Name.Length > 0 ? $"{i} ('{_groups[i].Name}')" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static ParameterGroup[] ValidateGroups(IEnumerable<ParameterGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var array = groups.ToArray();
        if (array.Length == 0) throw new ArgumentException("groups must contain at least one parameter group, was empty.", nameof(groups));
        var seen = new HashSet<ParameterGroup>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < array.Length; i++)
        {
            if (array[i] is null) throw new ArgumentException($"groups[{i}] is null.", nameof(groups));
            if (!seen.Add(array[i])) throw new ArgumentException($"groups[{i}] appears twice.", nameof(groups));
        }
        return array;
    }
}
