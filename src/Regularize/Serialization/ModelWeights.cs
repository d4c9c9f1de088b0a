using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>
/// Saves and loads a model's weights (its parameters and buffers) as a safetensors file under PyTorch's names
/// (<c>0.weight</c>, <c>layers.1.bias</c>, <c>1.running_mean</c>), so <c>safetensors.torch.load_file</c> reads a
/// Regularize model and Regularize reads weights saved from PyTorch.
/// </summary>
/// <remarks>
/// <para>Loading matches tensors by name and shape, never by position. A shape that differs is always an error; a
/// tensor missing on either side is an error unless <c>strict</c> is false, and then the <see cref="LoadReport"/>
/// lists what was skipped. Everything is checked before any value changes: on error the model is untouched.</para>
/// <para>Files may hold F32, F16, BF16, F64, I64 or I32 tensors; all are converted to float32 (see <see cref="SafeTensors"/>).</para>
/// <para>Saving writes the same element types as PyTorch's <c>state_dict()</c>: the integer buffer
/// <c>num_batches_tracked</c> (BatchNorm's count, kept as a float32 here) as I64, and every other tensor as F32, or,
/// when asked, as F16 or BF16 (rounded to nearest, ties to even, overflowing to ±∞, as <c>.half()</c> and
/// <c>.bfloat16()</c> round), so <c>load_state_dict(strict=True)</c> sees the dtypes it expects.</para>
/// </remarks>
public static class ModelWeights
{
    /// <summary>A copy of every parameter and buffer of <paramref name="model"/>, by name, in the model's order (parameters first).</summary>
    /// <param name="model">The model.</param>
    /// <exception cref="ArgumentException">Two tensors share a name (cannot happen in a tree built with <see cref="Module"/>'s registration).</exception>
    public static Dictionary<string, Tensor> Capture(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in Entries(model))
        {
            if (!tensors.TryAdd(name, Copy(tensor)))
            {
                throw new ArgumentException($"The model has two tensors named '{name}'.", nameof(model));
            }
        }
        return tensors;
    }

    /// <summary>Writes the model's parameters and buffers to a safetensors file, atomically (see <see cref="AtomicFile"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="floatType">The element type of the floating-point tensors: F32 (the default, exact), F16 or BF16
    /// (rounded to nearest, ties to even). Integer buffers are written as I64 whatever this is.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="floatType"/> is not F32, F16 or BF16.</exception>
    public static void Save(Module model, string path, SafeTensorsDType floatType = SafeTensorsDType.F32)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensors.Write(path, Capture(model), PyTorchMetadata, DTypes(floatType));
    }

    /// <summary>Writes the model's parameters and buffers as safetensors to a stream, from its current position.</summary>
    /// <param name="model">The model.</param>
    /// <param name="stream">The destination; it is not closed.</param>
    /// <param name="floatType">The element type of the floating-point tensors: F32 (the default), F16 or BF16.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="floatType"/> is not F32, F16 or BF16.</exception>
    public static void Save(Module model, Stream stream, SafeTensorsDType floatType = SafeTensorsDType.F32)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SafeTensors.Write(stream, Capture(model), PyTorchMetadata, DTypes(floatType));
    }

    /// <summary>
    /// Whether <paramref name="name"/> is an integer buffer in PyTorch's state dict: BatchNorm's
    /// <c>num_batches_tracked</c> (the only one among Regularize's layers).
    /// </summary>
    /// <param name="name">A tensor name such as <c>1.num_batches_tracked</c>.</param>
    public static bool IsIntegerBuffer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        const string Count = "num_batches_tracked";
        return name == Count || name.EndsWith("." + Count, StringComparison.Ordinal);
    }

    private static Func<string, SafeTensorsDType> DTypes(SafeTensorsDType floatType)
    {
        if (floatType is not (SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16))
        {
            throw new ArgumentOutOfRangeException(nameof(floatType), floatType, "floatType must be F32, F16 or BF16.");
        }
        return name => IsIntegerBuffer(name) ? SafeTensorsDType.I64 : floatType;
    }

    /// <summary>Loads weights from a safetensors file into <paramref name="model"/>, matching by name and shape.</summary>
    /// <param name="model">The model whose parameters and buffers receive the values (in place).</param>
    /// <param name="path">The file.</param>
    /// <param name="strict">True (the default) to require that the file and the model hold exactly the same names;
    /// false to load the names they share and report the rest.</param>
    /// <returns>What was loaded and what was skipped.</returns>
    /// <exception cref="CheckpointMismatchException">A shape differs, or (when strict) a name is missing on either side;
    /// the message lists every problem with the names and both shapes. The model is untouched.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static LoadReport Load(Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensorsFile file = SafeTensors.Read(path);
        return Load(model, file.Tensors, strict, path);
    }

    /// <summary>Loads weights from tensors by name (for example <see cref="SafeTensorsFile.Tensors"/>) into <paramref name="model"/>.</summary>
    /// <param name="model">The model whose parameters and buffers receive the values (in place).</param>
    /// <param name="tensors">The values by name.</param>
    /// <param name="strict">True to require exactly the same names on both sides; false to load the shared names and report the rest.</param>
    /// <param name="source">What the tensors come from, for messages.</param>
    /// <returns>What was loaded and what was skipped.</returns>
    /// <exception cref="CheckpointMismatchException">A shape differs, or (when strict) a name is missing on either side. The model is untouched.</exception>
    public static LoadReport Load(Module model, IReadOnlyDictionary<string, Tensor> tensors, bool strict = true, string source = "weights")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(source);
        var problems = new List<string>();
        var plan = Plan(model, tensors, strict, problems);
        if (problems.Count > 0) throw new CheckpointMismatchException(source, problems);
        plan.Apply();
        return plan.Report;
    }

    private static readonly Dictionary<string, string> PyTorchMetadata = new() { ["format"] = "pt" };

    /// <summary>The model's parameters then buffers, by name relative to the model.</summary>
    internal static IEnumerable<(string Name, Tensor Tensor)> Entries(Module model)
    {
        foreach (var (name, p) in model.NamedParameters()) yield return (name, p.Value);
        foreach (var (name, b) in model.NamedBuffers()) yield return (name, b);
    }

    /// <summary>An untracked copy (never pooled by a <see cref="TensorScope"/>).</summary>
    internal static Tensor Copy(Tensor t)
    {
        var copy = Tensor.Zeros(t.Shape);
        t.Span.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>A validated load, to apply once every other part of a checkpoint is validated too.</summary>
    internal sealed class LoadPlan(List<(Tensor Target, Tensor Source)> copies, LoadReport report)
    {
        public LoadReport Report => report;

        public void Apply()
        {
            foreach (var (target, source) in copies) source.Span.CopyTo(target.Span);
        }
    }

    /// <summary>Matches <paramref name="tensors"/> to the model by name and shape; adds one sentence per problem to <paramref name="problems"/>.</summary>
    internal static LoadPlan Plan(Module model, IReadOnlyDictionary<string, Tensor> tensors, bool strict, List<string> problems)
    {
        var copies = new List<(Tensor, Tensor)>();
        var loaded = new List<string>();
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, target) in Entries(model))
        {
            if (!tensors.TryGetValue(name, out var source))
            {
                missing.Add(name);
                if (strict) problems.Add($"the model's tensor '{name}' {target.Shape} is missing from the file");
                continue;
            }
            used.Add(name);
            if (source.Shape != target.Shape)
            {
                problems.Add($"tensor '{name}' has shape {source.Shape} in the file but {target.Shape} in the model");
                continue;
            }
            copies.Add((target, source));
            loaded.Add(name);
        }
        var unexpected = tensors.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (strict)
        {
            foreach (string name in unexpected) problems.Add($"the file's tensor '{name}' {tensors[name].Shape} is not in the model");
        }
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
        {
            problems.Add("pass strict: false to load the tensors both sides share and skip the rest");
        }
        return new LoadPlan(copies, new LoadReport(loaded, missing, unexpected));
    }
}
