using System.Buffers.Binary;
using System.IO.Compression;
using Regularize.IO;
using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST: a 4-byte magic number <c>00 00 type rank</c>,
/// <c>rank</c> big-endian 32-bit dimensions, then the elements in row-major order.
/// </summary>
/// <remarks>
/// <para>Files may be plain or gzip-compressed; gzip is recognised by its magic bytes <c>1F 8B</c>,
/// not by the file name. Only element type 0x08 (unsigned byte) is supported, with rank 1 to 4.</para>
/// <para>Reading is defensive. Every problem (a wrong magic number, a zero dimension, a header that
/// announces more elements than the limit, data that ends early or runs on past the announced length,
/// corrupt gzip data) raises an <see cref="InvalidDataException"/> whose message names the file and
/// the problem. Memory is never allocated from the header's numbers alone: they are first checked
/// against the element limit and, for plain seekable streams, against the stream's length; compressed
/// and forward-only streams are read into buffers that grow with the bytes actually delivered.</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>The default bound on the number of elements a file may announce: 2^30.</summary>
    public const long DefaultMaxElements = 1L << 30;

    /// <summary>Reads an IDX file, plain or gzip-compressed.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="maxElements">The largest element count accepted from the header; at most <see cref="Array.MaxLength"/> is ever accepted.</param>
    /// <exception cref="InvalidDataException">The file is not a valid IDX file; the message names the file and the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxElements"/> is not positive.</exception>
    public static IdxArray Read(string path, long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckLimit(maxElements);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, maxElements);
    }

    /// <summary>Reads an IDX array, plain or gzip-compressed, from the current position of a stream.</summary>
    /// <param name="stream">The stream; it is read forward and not closed.</param>
    /// <param name="name">The name used in error messages, usually the file name.</param>
    /// <param name="maxElements">The largest element count accepted from the header; at most <see cref="Array.MaxLength"/> is ever accepted.</param>
    /// <exception cref="InvalidDataException">The data is not a valid IDX array; the message names <paramref name="name"/> and the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxElements"/> is not positive.</exception>
    public static IdxArray Read(Stream stream, string name = "IDX stream", long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        CheckLimit(maxElements);

        byte[] magic = new byte[2];
        int got = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        if (got < 2)
        {
            throw Fail(name, $"the file is {got} bytes long; an IDX file starts with a 4-byte magic number");
        }
        Stream source;
        if (stream.CanSeek)
        {
            stream.Seek(-2, SeekOrigin.Current);
            source = stream;
        }
        else
        {
            source = new PrefixedStream(magic, stream);
        }

        if (magic[0] == 0x1F && magic[1] == 0x8B)
        {
            using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            return ReadIdx(new CorruptionGuardStream(gzip, name), name, " after decompression", maxElements);
        }
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Fail(name, $"not an IDX file: it starts with {magic[0]:X2} {magic[1]:X2}, but an IDX file starts with 00 00 and a gzip file with 1F 8B");
        }
        return ReadIdx(source, name, "", maxElements);
    }

    private static IdxArray ReadIdx(Stream stream, string name, string where, long maxElements)
    {
        Span<byte> header = stackalloc byte[4 + 4 * 4];
        int got = stream.ReadAtLeast(header[..4], 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw Fail(name, $"the data{where} ends after {got} bytes, inside the 4-byte magic number");
        }
        if (header[0] != 0 || header[1] != 0)
        {
            throw Fail(name, $"not an IDX file{where}: the magic number starts with {header[0]:X2} {header[1]:X2} instead of 00 00");
        }
        byte type = header[2];
        if (type != (byte)IdxElementType.UnsignedByte)
        {
            throw Fail(name, $"element type 0x{type:X2} ({TypeName(type)}) is not supported; only 0x08 (unsigned byte) is");
        }
        int rank = header[3];
        if (rank < 1 || rank > 4)
        {
            throw Fail(name, $"the header gives rank {rank}; only ranks 1 to 4 are supported");
        }
        int headerLength = 4 + 4 * rank;
        got = stream.ReadAtLeast(header[4..headerLength], 4 * rank, throwOnEndOfStream: false);
        if (got < 4 * rank)
        {
            throw Fail(name, $"the data{where} ends after {4 + got} bytes, inside the {headerLength}-byte header of a rank-{rank} file");
        }

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4 + 4 * i, 4));
            if (d == 0 || d > int.MaxValue)
            {
                throw Fail(name, $"dimension {i} of the header is {d}; a dimension must be between 1 and {int.MaxValue}");
            }
            dims[i] = (int)d;
        }
        string described = string.Join("x", dims);
        long limit = Math.Min(maxElements, Array.MaxLength);
        long count = 1;
        foreach (int d in dims)
        {
            count *= d; // count <= 2^31 and d < 2^31 before the multiply, so no overflow
            if (count > limit)
            {
                throw Fail(name, $"the header says {described}, more than the limit of {limit} elements" +
                    (limit < Array.MaxLength ? " (pass a larger maxElements to read it)" : ""));
            }
        }
        int expected = (int)count;

        long remaining = BoundedRead.Remaining(stream);
        byte[] data;
        if (remaining >= 0)
        {
            if (remaining != expected)
            {
                throw Fail(name, remaining < expected
                    ? $"the header says {described} = {expected} bytes but the data ends after {remaining}"
                    : $"the header says {described} = {expected} bytes but {remaining} bytes follow the header");
            }
            data = new byte[expected];
            int read = stream.ReadAtLeast(data, expected, throwOnEndOfStream: false);
            if (read < expected)
            {
                throw Fail(name, $"the header says {described} = {expected} bytes but the data ends after {read}");
            }
        }
        else
        {
            data = BoundedRead.ReadGrowing(stream, expected, out int delivered);
            if (delivered < expected)
            {
                throw Fail(name, $"the header says {described} = {expected} bytes but the data{where} ends after {delivered}");
            }
            if (stream.ReadByte() >= 0)
            {
                throw Fail(name, $"the header says {described} = {expected} bytes but more data follows{where}");
            }
        }
        return new IdxArray(name, new Shape(dims), data);
    }

    private static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown type code",
    };

    private static void CheckLimit(long maxElements)
    {
        if (maxElements <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxElements), maxElements, "maxElements must be positive.");
        }
    }

    private static InvalidDataException Fail(string name, string problem) => MessageText.Invalid(name, problem);
}
