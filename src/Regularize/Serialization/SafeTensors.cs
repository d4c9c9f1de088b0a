using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes
/// of UTF-8 JSON mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>
/// (offsets relative to the end of the header) with an optional <c>"__metadata__"</c> object of strings,
/// then the tensors' little-endian bytes.
/// </summary>
/// <remarks>
/// <para><b>Writing</b> produces F32 tensors sorted by name (by UTF-8 bytes), packed without gaps in that order,
/// with the header padded with spaces to a multiple of 8 bytes. Writing to a path is atomic (<see cref="AtomicFile"/>).</para>
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

    private const string MetadataKey = "__metadata__";
    private const int MaxRank = 64;
    private const int ChunkBytes = 1 << 16;

    // ---------------------------------------------------------------- writing

    /// <summary>Writes tensors as F32 to a file, atomically: the previous file stays intact if writing fails.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors by name; written sorted by name.</param>
    /// <param name="metadata">Optional strings stored under <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c>, or a tensor, metadata key or value is null.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] header = BuildHeader(tensors, metadata, out var ordered);
        AtomicFile.Write(path, stream => WriteBody(stream, header, ordered));
    }

    /// <summary>Writes tensors as F32 to a stream, from its current position.</summary>
    /// <param name="stream">The destination; it is not closed.</param>
    /// <param name="tensors">The tensors by name; written sorted by name.</param>
    /// <param name="metadata">Optional strings stored under <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c>, or a tensor, metadata key or value is null.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = BuildHeader(tensors, metadata, out var ordered);
        WriteBody(stream, header, ordered);
    }

    private static byte[] BuildHeader(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        out List<Tensor> ordered)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new List<(string Name, byte[] Utf8)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            names.Add((name, Encoding.UTF8.GetBytes(name)));
        }
        names.Sort((a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));

        var json = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps the header readable (\" rather than \u0022, λ as itself); it is never embedded in HTML.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (key is null || value is null) throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            ordered = new List<Tensor>(names.Count);
            long offset = 0;
            foreach (var (name, _) in names)
            {
                Tensor t = tensors[name];
                ordered.Add(t);
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape.Dimensions) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int padded = (json.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteBody(Stream stream, byte[] header, List<Tensor> ordered)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        byte[]? swap = BitConverter.IsLittleEndian ? null : new byte[ChunkBytes];
        foreach (Tensor t in ordered)
        {
            ReadOnlySpan<float> values = t.Span;
            if (swap is null)
            {
                stream.Write(MemoryMarshal.AsBytes(values));
                continue;
            }
            while (!values.IsEmpty)
            {
                int n = Math.Min(values.Length, ChunkBytes / 4);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(swap.AsSpan(4 * i), values[i]);
                stream.Write(swap, 0, 4 * n);
                values = values[n..];
            }
        }
    }

    // ---------------------------------------------------------------- reading

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
        long fileLength = BoundedRead.Remaining(stream);
        if (fileLength < 0)
        {
            // A stream that cannot tell its length: read it into memory, growing with what it delivers.
            using var buffered = BoundedRead.ReadAllBounded(stream, Array.MaxLength, name);
            return Read(buffered, name, maxHeaderBytes);
        }
        if (fileLength < 8)
        {
            throw Fail(name, $"the file is {fileLength} bytes long; a safetensors file starts with an 8-byte header length");
        }
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)maxHeaderBytes)
        {
            throw Fail(name, $"the header length is {headerLength} bytes, more than the limit of {maxHeaderBytes}");
        }
        if (headerLength > (ulong)(fileLength - 8))
        {
            throw Fail(name, $"the header length is {headerLength} bytes but only {fileLength - 8} bytes follow");
        }
        if (headerLength < 2)
        {
            throw Fail(name, $"the header length is {headerLength} bytes, too short for a JSON object");
        }
        byte[] header = new byte[(int)headerLength];
        int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw Fail(name, $"the header length is {headerLength} bytes but the file ends after {got} of them");
        }
        long dataLength = fileLength - 8 - (long)headerLength;

        List<Pending> pending = ParseHeader(header, name, dataLength, out var metadata);
        CheckLayout(pending, name, dataLength);
        var entries = new List<SafeTensorsEntry>(pending.Count);
        byte[] buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(dataLength, 8))];
        foreach (Pending p in pending)
        {
            entries.Add(new SafeTensorsEntry(p.Name, p.DType, ReadTensor(stream, p, buffer, name), p.Begin, p.End));
        }
        return new SafeTensorsFile(entries, metadata);
    }

    private sealed record Pending(string Name, SafeTensorsDType DType, int[] Shape, int Count, long Begin, long End);

    private static List<Pending> ParseHeader(byte[] header, string name, long dataLength, out Dictionary<string, string> metadata)
    {
        if (header[0] != (byte)'{')
        {
            throw Fail(name, $"the header does not start with '{{' but with byte 0x{header[0]:X2}");
        }
        if (!Utf8.IsValid(header))
        {
            throw Fail(name, "the header is not valid UTF-8");
        }
        try
        {
            using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 4 });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(name, $"the header is a JSON {root.ValueKind}, not an object");
            }
            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var tensors = new List<Pending>();
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string key = property.Name;
                if (key == MetadataKey)
                {
                    if (sawMetadata) throw Fail(name, $"'{MetadataKey}' appears twice in the header");
                    sawMetadata = true;
                    ReadMetadata(property.Value, name, metadata);
                    continue;
                }
                if (!seen.Add(key))
                {
                    throw Fail(name, $"tensor {Quote(key)} appears twice in the header");
                }
                tensors.Add(ReadTensorInfo(key, property.Value, name, dataLength));
            }
            return tensors;
        }
        catch (JsonException e)
        {
            throw Fail(name, $"the header is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // A string that cannot become a .NET string (an escaped lone surrogate).
            throw Fail(name, $"the header holds an unreadable string: {e.Message}");
        }
    }

    private static void ReadMetadata(JsonElement value, string name, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(name, $"'{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings");
        }
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(name, $"metadata {Quote(entry.Name)} is a JSON {entry.Value.ValueKind}, not a string");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Fail(name, $"metadata {Quote(entry.Name)} appears twice");
            }
        }
    }

    private static Pending ReadTensorInfo(string tensor, JsonElement info, string name, long dataLength)
    {
        string what = $"tensor {Quote(tensor)}";
        if (info.ValueKind != JsonValueKind.Object)
        {
            throw Fail(name, $"{what} is a JSON {info.ValueKind}, not an object");
        }
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in info.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeElement;
            switch (field.Name)
            {
                case "dtype": slot = ref dtypeElement; break;
                case "shape": slot = ref shapeElement; break;
                case "data_offsets": slot = ref offsetsElement; break;
                default: throw Fail(name, $"{what} has an unknown field {Quote(field.Name)}");
            }
            if (slot is not null) throw Fail(name, $"{what} has the field \"{field.Name}\" twice");
            slot = field.Value;
        }
        if (dtypeElement is not { } dtypeValue) throw Fail(name, $"{what} has no \"dtype\"");
        if (shapeElement is not { } shapeValue) throw Fail(name, $"{what} has no \"shape\"");
        if (offsetsElement is not { } offsetsValue) throw Fail(name, $"{what} has no \"data_offsets\"");

        if (dtypeValue.ValueKind != JsonValueKind.String) throw Fail(name, $"{what}: \"dtype\" is a JSON {dtypeValue.ValueKind}, not a string");
        string dtypeName = dtypeValue.GetString()!;
        SafeTensorsDType dtype = dtypeName switch
        {
            "F32" => SafeTensorsDType.F32,
            "F16" => SafeTensorsDType.F16,
            "BF16" => SafeTensorsDType.BF16,
            "F64" => SafeTensorsDType.F64,
            "I64" => SafeTensorsDType.I64,
            "I32" => SafeTensorsDType.I32,
            "BOOL" or "U8" or "I8" or "U16" or "I16" or "U32" or "U64" or "F8_E4M3" or "F8_E5M2" or "F8_E8M0" or "F4" or "F6_E2M3" or "F6_E3M2" or "C64"
                => throw Fail(name, $"{what} has dtype {dtypeName}, which Regularize does not read (it reads F32, F16, BF16, F64, I64 and I32)"),
            _ => throw Fail(name, $"{what} has an unknown dtype {Quote(dtypeName)}"),
        };

        if (shapeValue.ValueKind != JsonValueKind.Array) throw Fail(name, $"{what}: \"shape\" is a JSON {shapeValue.ValueKind}, not an array");
        int rank = shapeValue.GetArrayLength();
        if (rank > MaxRank) throw Fail(name, $"{what} has rank {rank}; at most {MaxRank} is accepted");
        var shape = new int[rank];
        long count = 1;
        int axis = 0;
        foreach (JsonElement d in shapeValue.EnumerateArray())
        {
            long dim = ReadInteger(d, name, $"{what}: shape[{axis}]");
            if (dim == 0) throw Fail(name, $"{what} has a dimension of size 0 (shape[{axis}]); Regularize tensors cannot be empty");
            if (dim > int.MaxValue) throw Fail(name, $"{what}: shape[{axis}] is {dim}, more than {int.MaxValue}");
            shape[axis++] = (int)dim;
            count *= dim; // both factors <= 2^31: no overflow
            if (count > Array.MaxLength) throw Fail(name, $"{what} has more than {Array.MaxLength} elements");
        }

        if (offsetsValue.ValueKind != JsonValueKind.Array || offsetsValue.GetArrayLength() != 2)
        {
            throw Fail(name, $"{what}: \"data_offsets\" must be an array of two integers [begin, end]");
        }
        long begin = ReadInteger(offsetsValue[0], name, $"{what}: data_offsets[0]");
        long end = ReadInteger(offsetsValue[1], name, $"{what}: data_offsets[1]");
        if (end < begin) throw Fail(name, $"{what}: data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength) throw Fail(name, $"{what}: data_offsets [{begin}, {end}] reach past the data section, which holds {dataLength} bytes");
        long bytes = count * ElementSize(dtype);
        if (bytes != end - begin)
        {
            throw Fail(name, $"{what}: {dtypeName} shape {Shape.Format(shape)} needs {bytes} bytes, but data_offsets [{begin}, {end}] hold {end - begin}");
        }
        return new Pending(tensor, dtype, shape, (int)count, begin, end);
    }

    private static long ReadInteger(JsonElement value, string name, string what)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Fail(name, $"{what} is a JSON {value.ValueKind}, not an integer");
        }
        if (!value.TryGetInt64(out long n))
        {
            throw Fail(name, $"{what} is {Quote(value.GetRawText())}, not an integer in range");
        }
        if (n < 0) throw Fail(name, $"{what} is {n}, which is negative");
        return n;
    }

    private static void CheckLayout(List<Pending> tensors, string name, long dataLength)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        Pending? previous = null;
        foreach (Pending t in tensors)
        {
            if (t.Begin < expected)
            {
                throw Fail(name, $"tensor {Quote(t.Name)} at [{t.Begin}, {t.End}] overlaps tensor {Quote(previous!.Name)} at [{previous.Begin}, {previous.End}]");
            }
            if (t.Begin > expected)
            {
                throw Fail(name, $"tensor {Quote(t.Name)} starts at byte {t.Begin}, leaving bytes {expected} to {t.Begin} of the data section unused");
            }
            expected = t.End;
            previous = t;
        }
        if (expected != dataLength)
        {
            throw Fail(name, $"the tensors cover {expected} bytes but the data section holds {dataLength}");
        }
    }

    private static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 => 4,
        _ => 8,
    };

    private static Tensor ReadTensor(Stream stream, Pending p, byte[] buffer, string name)
    {
        Tensor tensor = Tensor.Zeros(new Shape(p.Shape));
        Span<float> destination = tensor.Span;
        int size = ElementSize(p.DType);
        int chunkElements = buffer.Length / size;
        int done = 0;
        while (done < p.Count)
        {
            int n = Math.Min(chunkElements, p.Count - done);
            Span<byte> bytes = buffer.AsSpan(0, n * size);
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (got < bytes.Length)
            {
                throw Fail(name, $"tensor {Quote(p.Name)}: the data ends after {(long)done * size + got} of its {p.End - p.Begin} bytes");
            }
            Convert(p.DType, bytes, destination.Slice(done, n));
            done += n;
        }
        return tensor;
    }

    private static void Convert(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }
                break;
            case SafeTensorsDType.I64:
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                break;
            case SafeTensorsDType.I32:
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            default:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
    }

    /// <summary>A name or text quoted for a message, cut short and with control characters escaped.</summary>
    private static string Quote(string text)
    {
        const int Max = 80;
        var sb = new StringBuilder("'");
        foreach (char c in text.Length > Max ? text[..Max] : text)
        {
            if (char.IsControl(c)) sb.Append($"\\u{(int)c:X4}"); else sb.Append(c);
        }
        if (text.Length > Max) sb.Append("...");
        return sb.Append('\'').ToString();
    }

    private static InvalidDataException Fail(string name, string problem) => new($"{name}: {problem.TrimEnd('.')}.");
}
