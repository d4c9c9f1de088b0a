namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// One parameter's state for <see cref="FamilyReference"/>: the step count, float32 state tensors by name, and
/// per-tensor double scalars (ScheduleFree's running lr maximum and weight sum). Slot names are the fixture's
/// camelCase state names (Fixtures/optim_family/generate.py), so a checkpoint compares slot by slot; torch's
/// 0-dim float32 state tensors (NAdam's muProduct, ASGD's eta and mu) are slots of length 1.
/// </summary>
public sealed class FamilyState
{
    /// <summary>t, the number of steps taken (incremented at the start of a step).</summary>
    public long Step;

    /// <summary>The float32 state tensors by name.</summary>
    public Dictionary<string, float[]> Slots { get; } = [];

    /// <summary>Per-tensor scalars kept in double.</summary>
    public Dictionary<string, double> Scalars { get; } = [];

    /// <summary>The slot called <paramref name="name"/>, created with every element <paramref name="initial"/> on first use.</summary>
    public float[] Slot(string name, int length, float initial = 0f)
    {
        if (!Slots.TryGetValue(name, out var s))
        {
            s = new float[length];
            Array.Fill(s, initial);
            Slots[name] = s;
        }
        else if (s.Length != length)
            throw new ArgumentException($"State slot '{name}' has length {s.Length}, the parameter needs {length}.", nameof(length));
        return s;
    }

    /// <summary>An existing slot.</summary>
    public float[] this[string name] => Slots[name];
}
