using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>
/// Writes safetensors data: tensors sorted by name (by UTF-8 bytes), packed without gaps in that order, each in the
/// element type its caller chose, with the header padded with spaces to a multiple of 8 bytes.
/// </summary>
internal sealed class SafeTensorsWriter
{
    private const int ChunkBytes = 1 << 16;

    private readonly byte[] _header;
    private readonly List<(string Name, Tensor Tensor, SafeTensorsDType DType)> _ordered;

    /// <summary>Checks the arguments and builds the header; nothing is written yet.</summary>
    /// <exception cref="ArgumentException">A name is <c>__metadata__</c>, a tensor, metadata key or value is null, or
    /// the chosen type of a tensor is not one Regularize writes.</exception>
    public SafeTensorsWriter(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        Func<string, SafeTensorsDType>? dtypeOf)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new List<(string Name, byte[] Utf8)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name == SafeTensors.MetadataKey) throw new ArgumentException($"'{SafeTensors.MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            names.Add((name, Encoding.UTF8.GetBytes(name)));
        }
        names.Sort((a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));
        _ordered = new(names.Count);
        foreach (var (name, _) in names)
        {
            SafeTensorsDType dtype = dtypeOf?.Invoke(name) ?? SafeTensorsDType.F32;
            if (!Enum.IsDefined(dtype)) throw new ArgumentException($"Tensor '{name}': {dtype} is not a safetensors element type Regularize writes.", nameof(dtypeOf));
            _ordered.Add((name, tensors[name], dtype));
        }
        _header = BuildHeader(metadata);
    }

    private byte[] BuildHeader(IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps the header readable (\" rather than \u0022, λ as itself); it is never embedded in HTML.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(SafeTensors.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (key is null || value is null) throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t, dtype) in _ordered)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", SafeTensorsConversion.Name(dtype));
                w.WriteStartArray("shape");
                foreach (int d in t.Shape.Dimensions) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += (long)SafeTensorsConversion.ElementSize(dtype) * t.Length;
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

    /// <summary>Writes the length, the header and the tensors to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">A value does not fit an integer type chosen for its tensor (nothing of
    /// that tensor is written; the caller's stream holds a partial file, which <see cref="AtomicFile"/> discards).</exception>
    public void WriteTo(Stream stream)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)_header.Length);
        stream.Write(length);
        stream.Write(_header);
        byte[] chunk = new byte[ChunkBytes];
        foreach (var (name, t, dtype) in _ordered)
        {
            int size = SafeTensorsConversion.ElementSize(dtype);
            ReadOnlySpan<float> values = t.Span;
            long index = 0;
            while (!values.IsEmpty)
            {
                int n = Math.Min(values.Length, ChunkBytes / size);
                SafeTensorsConversion.Encode(dtype, values[..n], chunk.AsSpan(0, n * size), name, index);
                stream.Write(chunk, 0, n * size);
                values = values[n..];
                index += n;
            }
        }
    }

    /// <summary>Checks that every value fits its tensor's type, before a file is replaced.</summary>
    public void CheckValues()
    {
        Span<byte> scratch = stackalloc byte[8];
        foreach (var (name, t, dtype) in _ordered)
        {
            if (dtype is not (SafeTensorsDType.I64 or SafeTensorsDType.I32)) continue;
            ReadOnlySpan<float> values = t.Span;
            for (int i = 0; i < values.Length; i++) SafeTensorsConversion.Encode(dtype, values.Slice(i, 1), scratch, name, i);
        }
    }
}
