using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>The element types Regularize reads from safetensors files; all are converted to float32.</summary>
public enum SafeTensorsDType
{
    /// <summary><c>"F32"</c>: IEEE binary32, read bit for bit.</summary>
    F32,

    /// <summary><c>"F16"</c>: IEEE binary16, converted exactly.</summary>
    F16,

    /// <summary><c>"BF16"</c>: bfloat16 (the top half of a binary32), converted exactly.</summary>
    BF16,

    /// <summary><c>"F64"</c>: IEEE binary64, rounded to the nearest float32 (beyond its range: ±∞).</summary>
    F64,

    /// <summary><c>"I64"</c>: signed 64-bit integer (e.g. PyTorch's <c>num_batches_tracked</c>), rounded to the nearest float32: exact up to 2²⁴.</summary>
    I64,

    /// <summary><c>"I32"</c>: signed 32-bit integer, rounded to the nearest float32: exact up to 2²⁴.</summary>
    I32,
}

/// <summary>One tensor of a safetensors file.</summary>
public sealed class SafeTensorsEntry
{
    internal SafeTensorsEntry(string name, SafeTensorsDType dtype, Tensor tensor, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Tensor = tensor;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name, as written in the header.</summary>
    public string Name { get; }

    /// <summary>The element type in the file (the tensor itself is float32).</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The values, converted to float32, with the shape from the header.</summary>
    public Tensor Tensor { get; }

    /// <summary>Where the tensor's bytes start, relative to the end of the header.</summary>
    public long DataBegin { get; }

    /// <summary>Where the tensor's bytes end (exclusive), relative to the end of the header.</summary>
    public long DataEnd { get; }
}

/// <summary>The content of a safetensors file: its tensors, in the order of their data, and its metadata.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, Tensor> _byName;

    internal SafeTensorsFile(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
        _byName = new Dictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries) _byName.Add(e.Name, e.Tensor);
    }

    /// <summary>The tensors, in the order their data appears in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _byName;

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file holds no tensor of that name.</exception>
    public Tensor this[string name] => _byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"The file holds no tensor named '{name}'; it holds {_byName.Count}: {string.Join(", ", _byName.Keys.Take(10))}{(_byName.Count > 10 ? ", ..." : "")}.");
}
