using System.Globalization;

namespace Regularize.Onnx;

/// <summary>
/// A value of the graph being built: its name and its shape as far as the export knows it. The batch axis is the
/// only dynamic one: it is <c>null</c> in <see cref="Dims"/> and named by <see cref="OnnxExportOptions.BatchDimension"/>
/// in the file; every other size is known.
/// </summary>
public sealed class OnnxValue
{
    private readonly int?[] _dims;

    /// <summary>Describes the value <paramref name="name"/> of shape <paramref name="dims"/>.</summary>
    /// <param name="name">The name of the value in the graph; not empty.</param>
    /// <param name="dims">The sizes, <c>null</c> for the dynamic batch axis; known sizes are 1 or more.</param>
    /// <exception cref="ArgumentException">The name is empty or a known size is below 1.</exception>
    public OnnxValue(string name, IEnumerable<int?> dims)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(dims);
        _dims = dims.ToArray();
        if (_dims.Any(d => d < 1))
        {
            throw new ArgumentException($"OnnxValue '{name}': shape {Format(_dims)} has a size below 1.", nameof(dims));
        }
        Name = name;
    }

    /// <summary>The name of the value in the graph.</summary>
    public string Name { get; }

    /// <summary>The sizes of the axes; <c>null</c> marks the dynamic batch axis.</summary>
    public IReadOnlyList<int?> Dims => _dims;

    /// <summary>The number of axes.</summary>
    public int Rank => _dims.Length;

    /// <summary>The product of the known sizes (all axes but the dynamic one).</summary>
    public long KnownLength => _dims.Aggregate(1L, (p, d) => p * (d ?? 1));

    /// <summary>The same shape under another name, for the output of a shape-preserving node.</summary>
    /// <param name="name">The new name.</param>
    public OnnxValue Renamed(string name) => new(name, _dims);

    /// <summary>The shape as error messages print it, e.g. <c>[batch,784]</c>.</summary>
    public string FormatShape() => Format(_dims);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {FormatShape()}";

    private static string Format(int?[] dims) =>
        "[" + string.Join(",", dims.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "batch")) + "]";
}
