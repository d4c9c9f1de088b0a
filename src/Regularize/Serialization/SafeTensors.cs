using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes
/// of UTF-8 JSON mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>
/// (offsets relative to the end of the header) with an optional <c>"__metadata__"</c> object of strings,
/// then the tensors' little-endian bytes.
/// </summary>
/// <remarks>
/// <para><b>Writing</b> produces tensors sorted by name (by UTF-8 bytes), packed without gaps in that order, with the
/// header padded with spaces to a multiple of 8 bytes: the layout PyTorch-side writers that sort by name produce, so
/// the same tensors give the same bytes. Each tensor is F32 unless the caller chooses another type per tensor: F16 and
/// BF16 round to nearest, ties to even, overflowing to ±∞, as PyTorch's <c>.half()</c> and <c>.bfloat16()</c> do; F64
/// is exact; I64 and I32 take whole numbers only (a count such as BatchNorm's <c>num_batches_tracked</c>) and reject
/// anything else. Writing to a path is atomic (<see cref="AtomicFile"/>).</para>
/// <para><b>Reading</b> accepts F32, F16, BF16, F64, I64 and I32 (PyTorch stores BatchNorm's <c>num_batches_tracked</c> as I64) and converts to float32. It validates the whole header
/// before allocating any tensor: the header length is bounded; the JSON must be valid UTF-8, nest no deeper
/// than the format needs, and hold no duplicate names or fields; every dtype must be known, every shape
/// dimension and offset a non-negative integer; each tensor's byte size (product of its shape times the
/// element size, computed without overflow) must equal <c>end − begin</c>; and the tensors must tile the data
/// section exactly, without gaps, overlaps or trailing bytes. Any violation, and data that ends early, raises an
/// <see cref="InvalidDataException"/> naming the file, the tensor and the problem.</para>
/// <para>A dimension of size 0 is rejected: Regularize tensors hold at least one element. A shape of <c>[]</c>
/// is a scalar.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The default bound on the header length: 100 MB, as in the reference implementation.</summary>
    public const long DefaultMaxHeaderBytes = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    /// <summary>Writes tensors to a file, atomically: the previous file stays intact if writing fails.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors by name; written sorted by name.</param>
    /// <param name="metadata">Optional strings stored under <c>__metadata__</c>.</param>
    /// <param name="dtypeOf">The element type to write each tensor as, by name; null writes every tensor as F32.</param>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c>; a tensor, metadata key or value is null; or a
    /// tensor written as I64 or I32 holds a value that is not a whole number in range (the message names the tensor,
    /// the element and the value). The file is then left as it was.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        Func<string, SafeTensorsDType>? dtypeOf = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var writer = new SafeTensorsWriter(tensors, metadata, dtypeOf);
        writer.CheckValues();
        AtomicFile.Write(path, writer.WriteTo);
    }

    /// <summary>Writes tensors to a stream, from its current position.</summary>
    /// <param name="stream">The destination; it is not closed.</param>
    /// <param name="tensors">The tensors by name; written sorted by name.</param>
    /// <param name="metadata">Optional strings stored under <c>__metadata__</c>.</param>
    /// <param name="dtypeOf">The element type to write each tensor as, by name; null writes every tensor as F32.</param>
    /// <exception cref="ArgumentException">As for <see cref="Write(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, string}?, Func{string, SafeTensorsDType}?)"/>;
    /// nothing is written.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        Func<string, SafeTensorsDType>? dtypeOf = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var writer = new SafeTensorsWriter(tensors, metadata, dtypeOf);
        writer.CheckValues();
        writer.WriteTo(stream);
    }

    /// <summary>Reads a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxHeaderBytes">The largest header length accepted.</param>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, or holds a dtype other than
    /// F32, F16, BF16, F64, I64 or I32; the message names the file, the tensor and the problem.</exception>
    public static SafeTensorsFile Read(string path, long maxHeaderBytes = DefaultMaxHeaderBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, maxHeaderBytes);
    }

    /// <summary>Reads a safetensors file from the current position to the end of a stream.</summary>
    /// <param name="stream">The stream; one that cannot seek is first read into memory. It is not closed.</param>
    /// <param name="name">The name used in error messages, usually the file name.</param>
    /// <param name="maxHeaderBytes">The largest header length accepted.</param>
    /// <exception cref="InvalidDataException">The data is not a valid safetensors file, or holds a dtype other than
    /// F32, F16, BF16, F64, I64 or I32; the message names <paramref name="name"/>, the tensor and the problem.</exception>
    public static SafeTensorsFile Read(Stream stream, string name = "safetensors stream", long maxHeaderBytes = DefaultMaxHeaderBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeaderBytes);
        return SafeTensorsReader.Read(stream, name, maxHeaderBytes);
    }
}
