using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Optimizers;

/// <summary>
/// The base of every optimizer: parameter groups, <see cref="Step"/>, <see cref="ZeroGrad"/>, the
/// non-finite gradient policy and state export/import. A step first checks every gradient, then runs
/// one fused update pass per parameter (large parameters split across cores), and allocates nothing
/// once each parameter's state exists.
/// </summary>
public abstract class Optimizer : IChunkWork
{
    /// <summary>Large parameters are split into chunks of this many elements (a multiple of 16) for the cores.</summary>
    internal const int ChunkElements = 1 << 18;

    private readonly ParameterGroup[] _groups;
    private readonly ChunkRunner _runner = new();
    private Parameter[] _slotParameter = [];
    private int[] _slotGroup = [];
    private int _slotCount;
    private (int Slot, int Start, int Count)[] _chunks = [];
    private bool[] _chunkFinite = [];
    private int _chunkCount;
    private int[] _batchStart = [0];
    private int _batchCount;
    private bool _checking;
    private int _maxDegreeOfParallelism = Environment.ProcessorCount;

    private protected Optimizer(IEnumerable<ParameterGroup> groups, Action<ParameterGroup> fillDefaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
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
            fillDefaults(g);
            g.InitialLearningRate ??= g.LearningRate;
        }
    }

    /// <summary>The groups, each with its own hyperparameters, in order.</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups => _groups;

    /// <summary>What a step does when a gradient holds NaN or ±∞ (throw by default; it is never applied).</summary>
    public NonFiniteGradient NonFiniteGradient { get; set; } = NonFiniteGradient.Throw;

    /// <summary>True when the last <see cref="Step"/> found a non-finite gradient and, under <see cref="NonFiniteGradient.Skip"/>, changed nothing.</summary>
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

    /// <summary>
    /// Applies one update to every parameter whose <see cref="Parameter.Grad"/> is not null. All gradients
    /// are checked for NaN/±∞ before any parameter changes; see <see cref="NonFiniteGradient"/>.
    /// </summary>
    /// <exception cref="NonFiniteGradientException">A gradient is not finite and the policy is <see cref="NonFiniteGradient.Throw"/>.</exception>
    /// <exception cref="InvalidOperationException">A group's hyperparameters are inconsistent (the message names the group).</exception>
    public void Step()
    {
        LastStepSkipped = false;
        for (int g = 0; g < _groups.Length; g++) ValidateGroup(_groups[g], g);
        CollectSlots();

        _checking = true;
        _runner.Run(this, _batchCount, _maxDegreeOfParallelism);
        for (int c = 0; c < _chunkCount; c++)
        {
            if (_chunkFinite[c]) continue;
            string name = _slotParameter[_chunks[c].Slot].Name;
            if (NonFiniteGradient == NonFiniteGradient.Skip)
            {
                LastStepSkipped = true;
                SkippedSteps++;
                return;
            }
            throw new NonFiniteGradientException(name,
                $"The gradient of parameter '{name}' holds NaN or infinity; no parameter was updated. " +
                "Set NonFiniteGradient = Skip to skip such steps instead.");
        }

        EnsureSlotCapacity(_slotCount);
        for (int s = 0; s < _slotCount; s++) PrepareSlot(s, _groups[_slotGroup[s]], _slotParameter[s]);
        _checking = false;
        _runner.Run(this, _batchCount, _maxDegreeOfParallelism);
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

    /// <summary>Copies the optimizer's state (hyperparameters and per-parameter tensors) into plain data, keyed by parameter name.</summary>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState { Optimizer = GetType().Name };
        foreach (var g in _groups)
        {
            state.Groups.Add(new GroupState
            {
                Name = g.Name,
                ParameterNames = g.Parameters.Select(p => p.Name).ToList(),
                Hyperparameters = HyperparameterCodec.Export(g),
            });
            foreach (var p in g.Parameters)
            {
                var ps = ExportParameter(p);
                if (ps is null) continue;
                if (!state.Parameters.TryAdd(p.Name, ps))
                    throw new InvalidOperationException($"Two parameters are named '{p.Name}'; state is keyed by name.");
            }
        }
        return state;
    }

    /// <summary>
    /// Restores state exported by an optimizer of the same type over parameters with the same names and
    /// shapes. Everything is validated before anything changes: on error the optimizer is untouched.
    /// Parameters absent from <paramref name="state"/> lose their state (as if never stepped).
    /// </summary>
    /// <exception cref="ArgumentException">The type, groups, names, shapes or values do not match; the message names the parameter and both shapes.</exception>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string type = GetType().Name;
        if (state.Optimizer != type)
            throw new ArgumentException($"The state was exported by '{state.Optimizer}', not '{type}'.", nameof(state));
        if (state.Groups is null || state.Groups.Count != _groups.Length)
            throw new ArgumentException($"The state has {state.Groups?.Count ?? 0} parameter groups; this optimizer has {_groups.Length}.", nameof(state));
        var byName = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        for (int g = 0; g < _groups.Length; g++)
        {
            var gs = state.Groups[g] ?? throw new ArgumentException($"Group {g} of the state is null.", nameof(state));
            var ours = _groups[g].Parameters;
            var theirs = gs.ParameterNames ?? [];
            if (theirs.Count != ours.Count || !ours.Select(p => p.Name).SequenceEqual(theirs, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"Group {g} ('{_groups[g].Name}') holds [{string.Join(", ", ours.Select(p => p.Name))}], " +
                    $"but the state's group {g} holds [{string.Join(", ", theirs)}].", nameof(state));
            }
            HyperparameterCodec.Validate(gs.Hyperparameters, g);
            foreach (var p in ours) byName[p.Name] = p;
        }
        var parameters = state.Parameters ?? [];
        foreach (var (name, ps) in parameters)
        {
            if (!byName.TryGetValue(name, out var p))
                throw new ArgumentException($"The state has an entry for parameter '{name}', which this optimizer does not hold.", nameof(state));
            if (ps is null) throw new ArgumentException($"The state of parameter '{name}' is null.", nameof(state));
            ValidateParameter(p, ps);
        }

        for (int g = 0; g < _groups.Length; g++) HyperparameterCodec.Import(_groups[g], state.Groups[g].Hyperparameters);
        ClearState();
        foreach (var (name, ps) in parameters) ImportParameter(byName[name], ps);
    }

    // ---- what each optimizer supplies ----

    /// <summary>Throws when the group's current hyperparameters cannot be used (checked at every step).</summary>
    private protected virtual void ValidateGroup(ParameterGroup group, int index) { }

    /// <summary>Grows per-slot arrays to hold at least <paramref name="slots"/> entries.</summary>
    private protected abstract void EnsureSlotCapacity(int slots);

    /// <summary>Creates the parameter's state if needed, advances its step and computes the slot's scalars (sequential, before the pass).</summary>
    private protected abstract void PrepareSlot(int slot, ParameterGroup group, Parameter parameter);

    /// <summary>Updates elements [start, start + count) of the slot's parameter (may run on any thread).</summary>
    private protected abstract void UpdateRange(int slot, Parameter parameter, int start, int count);

    private protected abstract ParameterState? ExportParameter(Parameter parameter);

    private protected abstract void ValidateParameter(Parameter parameter, ParameterState state);

    private protected abstract void ImportParameter(Parameter parameter, ParameterState state);

    private protected abstract void ClearState();

    // ---- helpers for the optimizers ----

    /// <summary>A reference to element <paramref name="start"/> of <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float AtElement(Tensor t, int start) => ref Unsafe.Add(ref t.First, t.Offset + start);


    /// <summary>Checks a named state tensor against the parameter's shape; the message names the parameter and both shapes.</summary>
    internal static void CheckTensorOf(Parameter p, ParameterState ps, string key, bool required)
    {
        if (ps.Tensors is null || !ps.Tensors.TryGetValue(key, out var t) || t is null)
        {
            if (required) throw new ArgumentException($"The state of parameter '{p.Name}' lacks the tensor '{key}'.", "state");
            return;
        }
        var shape = t.Shape ?? [];
        if (!shape.AsSpan().SequenceEqual(p.Shape.Dimensions))
        {
            throw new ArgumentException(
                $"The state tensor '{key}' of parameter '{p.Name}' has shape {FormatShape(shape)}, but the parameter has shape {p.Shape}.", "state");
        }
        long length = 1;
        foreach (int d in shape) length *= d;
        if (t.Data is null || t.Data.Length != length)
        {
            throw new ArgumentException(
                $"The state tensor '{key}' of parameter '{p.Name}' has {t.Data?.Length ?? 0} values for shape {FormatShape(shape)}.", "state");
        }
    }

    internal static void CheckKeysOf(Parameter p, ParameterState ps, params string[] allowed)
    {
        foreach (var key in ps.Tensors?.Keys ?? Enumerable.Empty<string>())
        {
            if (Array.IndexOf(allowed, key) < 0)
                throw new ArgumentException($"The state of parameter '{p.Name}' has an unknown tensor '{key}' (expected {string.Join(", ", allowed)}).", "state");
        }
    }

    private static string FormatShape(int[] shape) => "[" + string.Join(",", shape) + "]";

    // ---- the pass ----

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
            _chunkFinite = new bool[chunks];
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
        for (int index = _batchStart[batch]; index < _batchStart[batch + 1]; index++)
        {
            var (slot, start, count) = _chunks[index];
            var p = _slotParameter[slot];
            if (_checking)
            {
                _chunkFinite[index] = ReductionKernels.AllFinite(ref AtElement(p.Grad!, start), (nuint)count);
            }
            else
            {
                UpdateRange(slot, p, start, count);
            }
        }
    }
}

/// <summary>An optimizer whose per-parameter state is a <typeparamref name="TState"/>, keyed by parameter.</summary>
/// <typeparam name="TState">The typed state (<see cref="AdamState"/>, <see cref="SgdState"/>).</typeparam>
public abstract class Optimizer<TState> : Optimizer where TState : class
{
    private protected readonly Dictionary<Parameter, TState> States = new(ReferenceEqualityComparer.Instance);
    private protected TState[] SlotState = [];

    private protected Optimizer(IEnumerable<ParameterGroup> groups, Action<ParameterGroup> fillDefaults) : base(groups, fillDefaults) { }

    /// <summary>The state of every parameter that has been stepped, keyed by parameter.</summary>
    public IReadOnlyDictionary<Parameter, TState> State => States;

    /// <summary>The state of <paramref name="parameter"/>, or null before its first step.</summary>
    public TState? StateOf(Parameter parameter) => States.GetValueOrDefault(parameter);

    private protected override void ClearState() => States.Clear();
}
