using Regularize.Tensors;

namespace Regularize.Optimizers;

/// <summary>
/// One parameter's optimizer state: its step count t and its slot tensors (m, v, a momentum buffer, …), named by
/// the optimizer's <see cref="Optimizer.SlotNames"/>. A slot is null until the optimizer allocates it.
/// </summary>
public sealed class SlotState
{
    private readonly IReadOnlyList<string> _names;

    internal SlotState(IReadOnlyList<string> names)
    {
        _names = names;
        Tensors = new Tensor?[names.Count];
    }

    /// <summary>The number of steps applied to the parameter, t.</summary>
    public long Step { get; internal set; }

    /// <summary>The slot names, in slot order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The tensor of slot <paramref name="slot"/>, or null when it is not allocated.</summary>
    public Tensor? this[int slot] => Tensors[slot];

    /// <summary>The tensor of the slot named <paramref name="name"/>, or null when it is not allocated.</summary>
    /// <exception cref="KeyNotFoundException">The optimizer has no slot of that name.</exception>
    public Tensor? this[string name]
    {
        get
        {
            for (int i = 0; i < _names.Count; i++) if (_names[i] == name) return Tensors[i];
            throw new KeyNotFoundException($"The optimizer has no state slot named '{name}' (its slots: {string.Join(", ", _names)}).");
        }
    }

    internal Tensor?[] Tensors { get; }
}
