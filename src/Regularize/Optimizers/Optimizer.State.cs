using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Optimizers;

public abstract partial class Optimizer
{
    /// <summary>
    /// The largest step count <see cref="ImportState"/> accepts, 2⁵³: it leaves room to train, and t is exact in
    /// double (bias corrections compute βᵗ from it).
    /// </summary>
    public const long MaxImportedStep = 1L << 53;

    /// <summary>Copies the optimizer's state (hyperparameters, and per parameter its step count and allocated slots by name) into plain data, keyed by parameter name.</summary>
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
                if (!_states.TryGetValue(p, out var s)) continue;
                var ps = new ParameterState { Step = s.Step };
                for (int k = 0; k < _slotNames.Length; k++)
                {
                    if (s.Tensors[k] is { } t) ps.Tensors[_slotNames[k]] = new TensorState { Shape = t.Shape.ToArray(), Data = t.ToArray() };
                }
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
    /// <exception cref="ArgumentException">The type, groups, names, shapes, slot names, step counts or values do not match; the message names the parameter and both shapes.</exception>
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
        _states.Clear();
        foreach (var (name, ps) in parameters)
        {
            var p = byName[name];
            var s = new SlotState(_slotNames) { Step = ps.Step };
            for (int k = 0; k < _slotNames.Length; k++)
            {
                if (ps.Tensors is not null && ps.Tensors.TryGetValue(_slotNames[k], out var t) && t is not null)
                    s.Tensors[k] = StaggeredAllocator.FromArray(t.Data, t.Shape, k % 3 + 1);
            }
            _states[p] = s;
        }
        StateImported();
    }

    /// <summary>
    /// Called at the end of <see cref="ImportState"/>, once the imported slots are in place, for an optimizer that keeps
    /// something beside them (Schedule-Free AdamW goes back to its training weights).
    /// </summary>
    protected virtual void StateImported() { }

    private void ValidateParameter(Parameter p, ParameterState ps)
    {
        if (ps.Step < 0 || ps.Step > MaxImportedStep)
        {
            throw new ArgumentException(
                $"The state of parameter '{p.Name}' has step {ps.Step}; it must be in [0, {MaxImportedStep}] (2^53: room to train, and t stays exact in double).", "state");
        }
        foreach (var key in ps.Tensors?.Keys ?? Enumerable.Empty<string>())
        {
            if (Array.IndexOf(_slotNames, key) < 0)
                throw new ArgumentException($"The state of parameter '{p.Name}' has an unknown tensor '{key}' (expected {string.Join(", ", _slotNames)}).", "state");
        }
        for (int k = 0; k < _slotNames.Length; k++)
        {
            string key = _slotNames[k];
            if (ps.Tensors is null || !ps.Tensors.TryGetValue(key, out var t) || t is null) continue;
            var shape = t.Shape ?? [];
            var expected = SlotShape(k, p);
            if (!shape.AsSpan().SequenceEqual(expected.Dimensions))
            {
                throw new ArgumentException(
                    $"The state tensor '{key}' of parameter '{p.Name}' has shape {FormatShape(shape)}, but the parameter has shape {expected}.", "state");
            }
            long length = 1;
            foreach (int d in shape) length *= d;
            if (t.Data is null || t.Data.Length != length)
            {
                throw new ArgumentException(
                    $"The state tensor '{key}' of parameter '{p.Name}' has {t.Data?.Length ?? 0} values for shape {FormatShape(shape)}.", "state");
            }
        }
        ValidateImportedState(p, ps);
    }

    /// <summary>
    /// Checks a parameter's imported state beyond names and shapes (which the base checks): for example that a
    /// slot the rule needs whenever t &gt; 0 is present. Throw an <see cref="ArgumentException"/> naming the parameter.
    /// </summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="state">Its imported state.</param>
    protected virtual void ValidateImportedState(Parameter parameter, ParameterState state) { }

    /// <summary>
    /// For <see cref="ValidateImportedState"/>: throws an <see cref="ArgumentException"/> naming the parameter and the
    /// first of <paramref name="slotNames"/> that <paramref name="state"/> lacks.
    /// </summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="state">Its imported state.</param>
    /// <param name="slotNames">The slots the rule needs once the parameter has been stepped.</param>
    protected static void RequireSlots(Parameter parameter, ParameterState state, params string[] slotNames)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(state);
        foreach (var key in slotNames)
        {
            if (state.Tensors is null || !state.Tensors.TryGetValue(key, out var t) || t is null)
                throw new ArgumentException($"The state of parameter '{parameter.Name}' lacks the tensor '{key}'.", nameof(state));
        }
    }

    private static string FormatShape(int[] shape) => "[" + string.Join(",", shape) + "]";
}
