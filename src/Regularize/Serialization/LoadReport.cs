namespace Regularize.Serialization;

/// <summary>
/// What loading weights into a model did: the tensors loaded, the model's tensors the file lacks (left as they
/// were) and the file's tensors the model lacks (ignored). The last two are empty after a strict load.
/// </summary>
public sealed class LoadReport
{
    internal LoadReport(IReadOnlyList<string> loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected)
    {
        Loaded = loaded;
        Missing = missing;
        Unexpected = unexpected;
    }

    /// <summary>The names of the parameters and buffers that received values from the file, in the model's order.</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>The model's parameters and buffers the file does not hold (PyTorch's <c>missing_keys</c>); they kept their values.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>The file's tensors that match nothing in the model (PyTorch's <c>unexpected_keys</c>); they were ignored.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>True when every tensor of the model was loaded and every tensor of the file was used.</summary>
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0;

    /// <summary>A one-line summary, e.g. <c>loaded 4 tensors; skipped: missing from the file '2.weight'</c>.</summary>
    public override string ToString()
    {
        string text = $"loaded {Loaded.Count} tensor{(Loaded.Count == 1 ? "" : "s")}";
        if (Missing.Count > 0) text += $"; missing from the file (kept): {string.Join(", ", Missing.Select(n => $"'{n}'"))}";
        if (Unexpected.Count > 0) text += $"; not in the model (ignored): {string.Join(", ", Unexpected.Select(n => $"'{n}'"))}";
        return text;
    }
}
