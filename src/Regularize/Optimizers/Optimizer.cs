using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// The base of every optimizer, and all of its machinery: parameter groups, <see cref="Step()"/>,
/// <see cref="ZeroGrad"/>, the non-finite gradient policy, per-parameter state slots and step counts, state
/// export/import by slot name, and the one fused loop that runs the optimizer's rule with the decay and L1
/// pieces around it. An optimizer supplies only its slot names, its hyperparameters with their defaults, where
/// its decay enters (<see cref="Regularization.DecayPlacement"/>) and <see cref="Plan"/>, which turns a group's
/// hyperparameters into an <see cref="IUpdateRule{TSelf}"/> for one parameter.
/// </summary>
/// <remarks>
/// A step first checks every gradient (one read-only pass), then plans every parameter, then runs one fused
/// update pass per parameter (large parameters split across cores); a rule with per-tensor sums
/// (<see cref="IReducingRule{TSelf}"/>) gets a reduce pass before its update pass, and a plan that needs other
/// whole-tensor statistics (Adafactor's row and column means of g²) a statistics pass before that, also split across
/// cores in pieces fixed by the shape. It allocates nothing once each
/// parameter's state exists. The check cannot be folded into the update pass: a bad gradient found in a later chunk would
/// leave earlier chunks updated, and the step is never half-applied.
/// </remarks>
public abstract partial class Optimizer : IChunkWork
{
    /// <summary>Large parameters are split into chunks of this many elements (a multiple of 32, as the reduce phase's accumulators need) for the cores.</summary>
    internal const int ChunkElements = 1 << 18;

    private readonly ParameterGroup[] _groups;
    private readonly string[] _slotNames;
    private readonly Dictionary<Parameter, SlotState> _states = new(ReferenceEqualityComparer.Instance);
    private readonly ChunkRunner _runner = new();
    private readonly ParameterStep _step;
    private Parameter[] _slotParameter = [];
    private int[] _slotGroup = [];
    private PlannedUpdate?[] _plans = [];
    private StatisticsPass?[] _statistics = [];
    private (int Slot, int Item)[] _statisticsItems = [];
    private int _statisticsCount;
    private int _slotCount;
    private (int Slot, int Start, int Count)[] _chunks = [];
    private bool[] _chunkOk = [];
    private int _chunkCount;
    private int[] _batchStart = [0];
    private int _batchCount;
    private Phase _phase;
    private (double A, double B)[] _chunkSums = [];
    private bool _anyReduces;
    private float _bound;
    private int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>Creates the optimizer over <paramref name="groups"/> and fills each group's unset values with the defaults.</summary>
    /// <param name="groups">The parameter groups; a parameter in at most one, names unique.</param>
    /// <param name="slotNames">The names of the per-parameter state slots (at most <see cref="StateSlots.MaxSlots"/>), in slot order; they key exported state.</param>
    /// <param name="decayPlacement">Where the weight decay λ enters.</param>
    /// <param name="defaults">The optimizer's hyperparameters with their default values; each is checked against its range.</param>
    /// <param name="decayScaling">What a decoupled λ is multiplied by: lr (PyTorch) or ηₜ (paper).</param>
    /// <param name="maximize">The default of <see cref="ParameterGroup.Maximize"/>.</param>
    /// <param name="l1Mode">The default of <see cref="ParameterGroup.L1Mode"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A default is out of range; the message names the hyperparameter and its value.</exception>
    /// <exception cref="ArgumentException">The groups are empty, share a parameter, repeat a name, or the slot names are invalid.</exception>
    protected Optimizer(IEnumerable<ParameterGroup> groups, IReadOnlyList<string> slotNames, DecayPlacement decayPlacement,
        IEnumerable<(Hyperparameter Hyperparameter, double Value)> defaults, DecayScaling decayScaling = DecayScaling.LearningRate,
        bool maximize = false, L1Mode l1Mode = L1Mode.Proximal)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(slotNames);
        ArgumentNullException.ThrowIfNull(defaults);
        if (!Enum.IsDefined(decayPlacement)) throw new ArgumentOutOfRangeException(nameof(decayPlacement), decayPlacement, $"decayPlacement must be Coupled, Decoupled or InRule, was {decayPlacement}.");
        if (!Enum.IsDefined(decayScaling)) throw new ArgumentOutOfRangeException(nameof(decayScaling), decayScaling, $"decayScaling must be LearningRate or ScheduleMultiplier, was {decayScaling}.");
        if (!Enum.IsDefined(l1Mode)) throw new ArgumentOutOfRangeException(nameof(l1Mode), l1Mode, $"l1Mode must be Proximal or Subgradient, was {l1Mode}.");
        _slotNames = slotNames.ToArray();
        if (_slotNames.Length > StateSlots.MaxSlots)
            throw new ArgumentException($"An optimizer has at most {StateSlots.MaxSlots} state slots, was given {_slotNames.Length}.", nameof(slotNames));
        for (int i = 0; i < _slotNames.Length; i++)
        {
            string s = _slotNames[i];
            if (string.IsNullOrEmpty(s) || s.Contains('.') || Array.IndexOf(_slotNames, s) != i)
                throw new ArgumentException($"Slot names must be non-empty, unique and free of dots, was [{string.Join(", ", _slotNames)}].", nameof(slotNames));
        }
        var defaultList = defaults.ToArray();
        foreach (var (h, value) in defaultList)
        {
            ArgumentNullException.ThrowIfNull(h, nameof(defaults));
            h.Check(value);
        }
        _groups = groups.ToArray();
        if (_groups.Length == 0) throw new ArgumentException("An optimizer needs at least one parameter group.", nameof(groups));
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in _groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            foreach (var p in g.Parameters)
            {
                if (!seen.Add(p)) throw new ArgumentException($"Parameter '{p.Name}' appears in more than one parameter group.", nameof(groups));
                if (!names.Add(p.Name)) throw new ArgumentException($"Two parameters are named '{p.Name}'; state is keyed by name, so names must be unique.", nameof(groups));
            }
            foreach (var (h, value) in defaultList) g.SetDefault(h, value);
            g.Maximize ??= maximize;
            g.L1Mode ??= l1Mode;
            g.InitialLearningRate ??= g.LearningRate;
        }
        DecayPlacement = decayPlacement;
        DecayScaling = decayScaling;
        _step = new ParameterStep(this);
    }

    /// <summary>The groups, each with its own hyperparameters, in order.</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups => _groups;

    /// <summary>The names of the per-parameter state slots, in slot order (<c>m</c>, <c>v</c>, <c>vMax</c> for Adam).</summary>
    public IReadOnlyList<string> SlotNames => _slotNames;

    /// <summary>Where the weight decay λ enters this optimizer's update.</summary>
    public DecayPlacement DecayPlacement { get; }

    /// <summary>What a decoupled λ is multiplied by at each step (used only when <see cref="DecayPlacement"/> is decoupled).</summary>
    public DecayScaling DecayScaling { get; }

    /// <summary>What a step does when a gradient holds NaN or ±∞ (throw by default; it is never applied).</summary>
    public NonFiniteGradient NonFiniteGradient { get; set; } = NonFiniteGradient.Throw;

    /// <summary>True when the last <see cref="Step()"/> found a non-finite gradient and, under <see cref="NonFiniteGradient.Skip"/>, changed nothing.</summary>
    public bool LastStepSkipped { get; private set; }

    /// <summary>The number of steps skipped so far under <see cref="NonFiniteGradient.Skip"/>.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>How many threads a step may use (default: the processor count). The result does not depend on it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set => _maxDegreeOfParallelism = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"maxDegreeOfParallelism must be >= 1, was {value}.");
    }

    /// <summary>The state of every parameter that has been stepped, keyed by parameter.</summary>
    public IReadOnlyDictionary<Parameter, SlotState> State => _states;

    /// <summary>The state of <paramref name="parameter"/>, or null before its first step.</summary>
    public SlotState? StateOf(Parameter parameter) => _states.GetValueOrDefault(parameter);

    /// <summary>Runs every update through the scalar form only (benchmarks' baseline).</summary>
    internal bool ScalarOnly { get; set; }

    /// <summary>
    /// The largest gradient magnitude a step accepts; a larger one (or NaN/±∞) is handled by the
    /// <see cref="NonFiniteGradient"/> policy before anything changes. Adam lowers it so that g² cannot overflow v.
    /// </summary>
    protected virtual float GradientBound => float.MaxValue;

    /// <summary>
    /// Turns the group's hyperparameters into the rule for one parameter in this step: compute the rule's scalars,
    /// <see cref="ParameterStep.Allocate"/> the slots it needs, and call <see cref="ParameterStep.Run{TRule}"/> once.
    /// Runs on the stepping thread, for every parameter with a gradient, before any parameter changes.
    /// </summary>
    /// <param name="step">The parameter, its group, its state and the step number.</param>
    protected abstract void Plan(ParameterStep step);

    /// <summary>Throws when the group's current hyperparameters cannot be used together (checked at every step, before anything changes).</summary>
    /// <param name="group">The group.</param>
    /// <param name="index">Its index, for messages.</param>
    protected virtual void ValidateGroup(ParameterGroup group, int index)
    {
        if (DecayPlacement == DecayPlacement.Decoupled && DecayScaling == DecayScaling.ScheduleMultiplier && group.WeightDecay != 0) DecoupledRate(group);
    }

    /// <summary>The shape of slot <paramref name="slot"/> for <paramref name="parameter"/>: the parameter's own by default.
    /// A slot of another shape (a factored moment, a per-parameter scalar) is not walked by the fused loop; the rule reads it in <see cref="Plan"/>.</summary>
    /// <param name="slot">The slot number.</param>
    /// <param name="parameter">The parameter.</param>
    protected internal virtual Shape SlotShape(int slot, Parameter parameter) => parameter.Shape;

    /// <summary>
    /// Applies one update to every parameter whose <see cref="Parameter.Grad"/> is not null. All gradients
    /// are checked for NaN/±∞ (and for magnitudes above <see cref="GradientBound"/>) before any parameter changes;
    /// see <see cref="NonFiniteGradient"/>.
    /// </summary>
    /// <exception cref="NonFiniteGradientException">A gradient is not finite (or too large) and the policy is <see cref="NonFiniteGradient.Throw"/>.</exception>
    /// <exception cref="InvalidOperationException">A group's hyperparameters are inconsistent (the message names the group).</exception>
    public void Step() => Step(double.NaN, trustNorm: false);

    /// <summary>
    /// <see cref="Step()"/> for a caller that already read every gradient: <paramref name="gradientNorm"/> is the
    /// global L2 norm of all gradients, as <see cref="GradientClipping.ClipByGlobalNorm"/> returns it (clipping only
    /// lowers it). When it is finite and at most <see cref="GradientBound"/>, no element can be NaN, infinite or above
    /// the bound (|gᵢ| ≤ ‖g‖), so the step skips its own read pass over the gradients; otherwise it checks as
    /// <see cref="Step()"/> does. The guarantee that nothing is half-applied then rests on the norm being that of the
    /// current gradients.
    /// </summary>
    /// <param name="gradientNorm">‖g‖ over the gradients of every parameter this optimizer steps (NaN or ∞ when one is not finite).</param>
    /// <exception cref="NonFiniteGradientException">A gradient is not finite (or too large) and the policy is <see cref="NonFiniteGradient.Throw"/>.</exception>
    /// <exception cref="InvalidOperationException">A group's hyperparameters are inconsistent (the message names the group).</exception>
    public void Step(double gradientNorm) => Step(gradientNorm, trustNorm: true);

    private void Step(double gradientNorm, bool trustNorm)
    {
        LastStepSkipped = false;
        for (int g = 0; g < _groups.Length; g++) ValidateGroup(_groups[g], g);
        CollectSlots();

        _bound = GradientBound;
        if (trustNorm && double.IsFinite(gradientNorm) && gradientNorm <= _bound) Array.Fill(_chunkOk, true, 0, _chunkCount);
        else
        {
            _phase = Phase.Check;
            _runner.Run(this, _batchCount, _maxDegreeOfParallelism);
        }
        for (int c = 0; c < _chunkCount; c++)
        {
            if (_chunkOk[c]) continue;
            if (NonFiniteGradient == NonFiniteGradient.Skip)
            {
                LastStepSkipped = true;
                SkippedSteps++;
                return;
            }
            throw BadGradient(c);
        }

        PlanAll();
        _step.CommitScalars();
        if (_statisticsCount > 0) StatisticsPhase();
        if (_anyReduces) ReducePhase();
        _phase = Phase.Update;
        _runner.Run(this, _batchCount, _maxDegreeOfParallelism);
        for (int s = 0; s < _slotCount; s++) _states[_slotParameter[s]].Step++;
    }

    /// <summary>Clears every parameter's gradient: zeroes it in place, or sets it to null when <paramref name="setToNull"/>.</summary>
    public void ZeroGrad(bool setToNull = false)
    {
        foreach (var g in _groups)
        {
            var list = g.Parameters;
            for (int k = 0; k < list.Count; k++)
            {
                var p = list[k];
                if (setToNull) p.Grad = null;
                else p.Grad?.Span.Clear();
            }
        }
    }

    /// <summary>What λ is multiplied by in a decoupled decay: lr (PyTorch) or the schedule multiplier ηₜ (paper).</summary>
    internal double DecoupledRate(ParameterGroup g)
    {
        if (DecayScaling == DecayScaling.LearningRate) return g.LearningRate;
        if (g.ScheduleMultiplier is double eta) return eta;
        double initial = g.InitialLearningRate ?? g.LearningRate;
        if (initial <= 0)
        {
            throw new InvalidOperationException(
                $"Group '{g.Name}': DecayScaling.ScheduleMultiplier needs an initial learning rate > 0 or an explicit ScheduleMultiplier.");
        }
        return g.LearningRate / initial;
    }

    internal ref PlannedUpdate? PlanSlot(int index) => ref _plans[index];

    /// <summary>Attaches <paramref name="pass"/> to plan <paramref name="index"/> for this step.</summary>
    internal void SetStatistics(int index, StatisticsPass pass)
    {
        if (_statistics[index] is not null) throw new InvalidOperationException($"A statistics pass was attached twice to parameter '{_slotParameter[index].Name}' in one step.");
        _statistics[index] = pass;
    }

    /// <summary>A reference to element <paramref name="start"/> of <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float AtElement(Tensor t, int start) => ref Unsafe.Add(ref t.First, t.Offset + start);

    private NonFiniteGradientException BadGradient(int chunk)
    {
        var (slot, start, count) = _chunks[chunk];
        var p = _slotParameter[slot];
        string name = p.Name;
        bool finite = ReductionKernels.AllFinite(ref AtElement(p.Grad!, start), (nuint)count);
        string what = finite
            ? $"holds an element of magnitude above {_bound:G3}, which would overflow {GetType().Name}'s state to infinity"
            : "holds NaN or infinity";
        return new NonFiniteGradientException(name,
            $"The gradient of parameter '{name}' {what}; no parameter was updated. Set NonFiniteGradient = Skip to skip such steps instead.");
    }

    /// <summary>
    /// Runs the reduce phase of every rule that has one, then gives each its tensor's sums: chunk partial sums
    /// combined in chunk order, so the result does not depend on the thread count.
    /// </summary>
    private void ReducePhase()
    {
        if (_chunkSums.Length < _chunkCount) _chunkSums = new (double, double)[_chunks.Length];
        _phase = Phase.Reduce;
        _runner.Run(this, _batchCount, _maxDegreeOfParallelism);
        int c = 0;
        for (int s = 0; s < _slotCount; s++)
        {
            double a = 0, b = 0;
            for (; c < _chunkCount && _chunks[c].Slot == s; c++)
            {
                a += _chunkSums[c].A;
                b += _chunkSums[c].B;
            }
            if (_plans[s]!.Reduces) _plans[s]!.Complete(a, b);
        }
    }

    /// <summary>
    /// Runs the items of every attached <see cref="StatisticsPass"/> across cores, then completes each pass in
    /// parameter order on this thread.
    /// </summary>
    private void StatisticsPhase()
    {
        _phase = Phase.Statistics;
        _runner.Run(this, _statisticsCount, _maxDegreeOfParallelism);
        for (int s = 0; s < _slotCount; s++) _statistics[s]?.Complete();
    }

    private void PlanAll()
    {
        _anyReduces = false;
        _statisticsCount = 0;
        if (_plans.Length < _slotCount) Array.Resize(ref _plans, _slotCount);
        if (_statistics.Length < _slotCount) Array.Resize(ref _statistics, _slotCount);
        Array.Clear(_statistics, 0, _slotCount);
        var step = _step;
        step.Allocated.Clear();
        step.Created.Clear();
        step.PendingScalars.Clear();
        try
        {
            for (int s = 0; s < _slotCount; s++)
            {
                var p = _slotParameter[s];
                if (!_states.TryGetValue(p, out var state))
                {
                    _states.Add(p, state = new SlotState(_slotNames));
                    step.Created.Add(p);
                }
                step.Reset(s, _groups[_slotGroup[s]], p, state);
                Plan(step);
                if (!step.Ran) throw new InvalidOperationException($"{GetType().Name}.Plan did not call Run for parameter '{p.Name}'.");
                _anyReduces |= _plans[s]!.Reduces;
            }
            CollectStatisticsItems();
        }
        catch
        {
            // Nothing is half-applied: slots allocated by this step's plans go away again.
            foreach (var (state, slot) in step.Allocated) state.Tensors[slot] = null;
            foreach (var p in step.Created) _states.Remove(p);
            step.PendingScalars.Clear();
            throw;
        }
    }

    private void CollectStatisticsItems()
    {
        int items = 0;
        for (int s = 0; s < _slotCount; s++) items += _statistics[s]?.Items ?? 0;
        if (_statisticsItems.Length < items) _statisticsItems = new (int, int)[items];
        int k = 0;
        for (int s = 0; s < _slotCount; s++)
        {
            if (_statistics[s] is not { } pass) continue;
            for (int i = 0; i < pass.Items; i++) _statisticsItems[k++] = (s, i);
        }
        _statisticsCount = items;
    }

    private void CollectSlots()
    {
        // Indexed loops: a foreach over IReadOnlyList would box its enumerator (an allocation per step).
        int slots = 0, chunks = 0;
        foreach (var g in _groups)
        {
            var list = g.Parameters;
            for (int k = 0; k < list.Count; k++)
            {
                var p = list[k];
                if (p.Grad is null) continue;
                slots++;
                chunks += (p.Length + ChunkElements - 1) / ChunkElements;
            }
        }
        if (_slotParameter.Length < slots)
        {
            _slotParameter = new Parameter[slots];
            _slotGroup = new int[slots];
        }
        if (_chunks.Length < chunks)
        {
            _chunks = new (int, int, int)[chunks];
            _chunkOk = new bool[chunks];
        }
        int s = 0, c = 0;
        for (int gi = 0; gi < _groups.Length; gi++)
        {
            var list = _groups[gi].Parameters;
            for (int k = 0; k < list.Count; k++)
            {
                var p = list[k];
                if (p.Grad is null) continue;
                _slotParameter[s] = p;
                _slotGroup[s] = gi;
                for (int start = 0; start < p.Length; start += ChunkElements)
                    _chunks[c++] = (s, start, Math.Min(ChunkElements, p.Length - start));
                s++;
            }
        }
        _slotCount = s;
        _chunkCount = c;

        // Consecutive small pieces form one batch of about ChunkElements, the unit a thread takes,
        // so many small tensors cost one hand-off per batch rather than one per tensor.
        if (_batchStart.Length < c + 1) _batchStart = new int[c + 1];
        int batches = 0, size = 0;
        for (int k = 0; k < c; k++)
        {
            if (size == 0) _batchStart[batches++] = k;
            size += _chunks[k].Count;
            if (size >= ChunkElements) size = 0;
        }
        _batchStart[batches] = c;
        _batchCount = batches;
    }

    void IChunkWork.RunChunk(int batch)
    {
        if (_phase == Phase.Statistics)
        {
            var (s, item) = _statisticsItems[batch];
            _statistics[s]!.Run(item, ScalarOnly);
            return;
        }
        for (int index = _batchStart[batch]; index < _batchStart[batch + 1]; index++)
        {
            var (slot, start, count) = _chunks[index];
            switch (_phase)
            {
                case Phase.Check:
                    _chunkOk[index] = ReductionKernels.AllWithin(ref AtElement(_slotParameter[slot].Grad!, start), (nuint)count, _bound);
                    break;
                case Phase.Reduce:
                    var plan = _plans[slot]!;
                    _chunkSums[index] = plan.Reduces ? plan.Reduce(start, count, ScalarOnly) : default;
                    break;
                default:
                    _plans[slot]!.Run(start, count, ScalarOnly);
                    break;
            }
        }
    }

    private enum Phase
    {
        Check,
        Statistics,
        Reduce,
        Update,
    }
}
