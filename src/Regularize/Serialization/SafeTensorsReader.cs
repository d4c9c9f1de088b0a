using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;
using Regularize.IO;
using Regularize.Tensors;
using static Regularize.IO.MessageText;

namespace Regularize.Serialization;

/// <summary>
/// Reads safetensors data defensively: the whole header is parsed and checked (see <see cref="SafeTensors"/>)
/// before any tensor is allocated, and then the tensors are read in chunks and converted to float32.
/// </summary>
internal static class SafeTensorsReader
{
    private const int MaxRank = 64;
    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads from the current position to the end of <paramref name="stream"/>.</summary>
    public static SafeTensorsFile Read(Stream stream, string name, long maxHeaderBytes)
    {
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
                if (key == SafeTensors.MetadataKey)
                {
                    if (sawMetadata) throw Fail(name, $"'{SafeTensors.MetadataKey}' appears twice in the header");
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
            throw Fail(name, $"'{SafeTensors.MetadataKey}' is a JSON {value.ValueKind}, not an object of strings");
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
        SafeTensorsDType dtype = SafeTensorsConversion.Parse(dtypeName)
            ?? throw Fail(name, SafeTensorsConversion.IsKnown(dtypeName)
                ? $"{what} has dtype {dtypeName}, which Regularize does not read (it reads F32, F16, BF16, F64, I64 and I32)"
                : $"{what} has an unknown dtype {Quote(dtypeName)}");

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
        long bytes = count * SafeTensorsConversion.ElementSize(dtype);
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

    private static Tensor ReadTensor(Stream stream, Pending p, byte[] buffer, string name)
    {
        Tensor tensor = Tensor.Zeros(new Shape(p.Shape));
        Span<float> destination = tensor.Span;
        int size = SafeTensorsConversion.ElementSize(p.DType);
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
            SafeTensorsConversion.Decode(p.DType, bytes, destination.Slice(done, n));
            done += n;
        }
        return tensor;
    }

    private static InvalidDataException Fail(string name, string problem) => Invalid(name, problem);
}
