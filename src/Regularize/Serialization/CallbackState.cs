using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>
/// The saved state of one stateful training callback (early stopping, weight averaging, batch mixing, ...), as plain
/// data: named counters, numbers, generator states and tensors. <see cref="CheckpointData.Callbacks"/> holds one per
/// callback, keyed by the callback's checkpoint key; the trainer fills and restores them
/// (<c>TrainerCallback.ExportState</c>, <c>ImportState</c>).
/// </summary>
/// <remarks>
/// <para>In the file, the counters, numbers and generator states go into the metadata document (<c>callbacks</c>); each
/// tensor is a safetensors tensor named <c>callback.&lt;key&gt;.&lt;name&gt;</c>, stored as float32.</para>
/// <para>Reading checks what the format can check: counters are integers in [0, <see cref="CheckpointData.MaxStep"/>],
/// numbers are finite or ±∞ (never NaN), generator states are valid six-word <see cref="Rng"/> states and every listed
/// tensor exists. Whether the values make sense for the callback (an epoch in range, a tensor of the right shape) is the
/// callback's own check when it imports them.</para>
/// </remarks>
public sealed class CallbackState
{
    /// <summary>The name of the callback's type (<c>EarlyStopping</c>), checked on restore so a state never goes into another kind of callback.</summary>
    public string Type { get; set; } = "";

    /// <summary>Non-negative counters (epochs, update counts), at most <see cref="CheckpointData.MaxStep"/>.</summary>
    public Dictionary<string, long> Integers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Real numbers (a best metric, learning rates), finite or ±∞, stored so that they read back to the same bits.</summary>
    public Dictionary<string, double> Numbers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Generator states (<see cref="Rng.GetState"/>, six words).</summary>
    public Dictionary<string, ulong[]> RngStates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tensors (averaged or best weights), by name; a name is not empty.</summary>
    public Dictionary<string, Tensor> Tensors { get; set; } = new(StringComparer.Ordinal);

    // The readers below are for ImportState methods: each throws an ArgumentException that names the entry and the
    // problem, so a callback checks everything it reads before it changes anything.

    /// <summary>The counter <paramref name="name"/>, checked to lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="name">The counter's name.</param>
    /// <param name="min">The least value allowed.</param>
    /// <param name="max">The largest value allowed.</param>
    /// <exception cref="ArgumentException">The counter is missing or out of range.</exception>
    public long GetInteger(string name, long min = 0, long max = CheckpointData.MaxStep)
    {
        if (Integers is null || !Integers.TryGetValue(name, out long value)) throw Missing("counter", name);
        if (value < min || value > max) throw new ArgumentException($"{Type}: counter '{name}' is {value}, outside [{min}, {max}].");
        return value;
    }

    /// <summary>The number <paramref name="name"/>, checked to be finite unless <paramref name="allowInfinite"/>, and never NaN.</summary>
    /// <param name="name">The number's name.</param>
    /// <param name="allowInfinite">True to accept ±∞ (a best value before the first metric).</param>
    /// <exception cref="ArgumentException">The number is missing, NaN, or infinite when that is not allowed.</exception>
    public double GetNumber(string name, bool allowInfinite = false)
    {
        if (Numbers is null || !Numbers.TryGetValue(name, out double value)) throw Missing("number", name);
        if (double.IsNaN(value) || (!allowInfinite && double.IsInfinity(value)))
        {
            throw new ArgumentException($"{Type}: number '{name}' is {value}, not {(allowInfinite ? "a number or ±∞" : "a finite number")}.");
        }
        return value;
    }

    /// <summary>The generator state <paramref name="name"/>, checked to be a valid six-word <see cref="Rng"/> state.</summary>
    /// <param name="name">The generator's name.</param>
    /// <exception cref="ArgumentException">The state is missing or not a valid state.</exception>
    public ulong[] GetRngState(string name)
    {
        if (RngStates is null || !RngStates.TryGetValue(name, out var words)) throw Missing("generator state", name);
        if (words is not { Length: 6 } || (words[0] | words[1] | words[2] | words[3]) == 0 || words[4] > 1)
        {
            throw new ArgumentException($"{Type}: generator state '{name}' is not a six-word Rng state.");
        }
        return words;
    }

    /// <summary>The tensor <paramref name="name"/>, checked to have the shape <paramref name="shape"/>.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="shape">The shape it must have.</param>
    /// <exception cref="ArgumentException">The tensor is missing or has another shape.</exception>
    public Tensor GetTensor(string name, Shape shape)
    {
        if (Tensors is null || !Tensors.TryGetValue(name, out var tensor) || tensor is null) throw Missing("tensor", name);
        if (tensor.Shape != shape) throw new ArgumentException($"{Type}: tensor '{name}' has shape {tensor.Shape}, but {shape} is expected.");
        return tensor;
    }

    private ArgumentException Missing(string what, string name) => new($"{Type}: the state has no {what} '{name}'.");
}
