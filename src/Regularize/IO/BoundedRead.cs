namespace Regularize.IO;

/// <summary>
/// Reading a length that a file's header announces, without trusting it: memory grows with the
/// bytes the stream actually delivers, never with the announced length alone.
/// </summary>
internal static class BoundedRead
{
    /// <summary>The first buffer size; buffers then double up to the announced length.</summary>
    internal const int InitialChunk = 1 << 16;

    /// <summary>
    /// Reads up to <paramref name="expected"/> bytes. Returns an array of exactly
    /// <paramref name="expected"/> bytes when the stream delivers them all; otherwise
    /// <paramref name="delivered"/> is smaller than <paramref name="expected"/> and the array is
    /// at most twice the delivered length plus <see cref="InitialChunk"/>.
    /// </summary>
    internal static byte[] ReadGrowing(Stream stream, int expected, out int delivered)
    {
        byte[] buffer = new byte[Math.Min(expected, InitialChunk)];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (filled == expected) break;
                Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            }
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        delivered = filled;
        return buffer;
    }

    /// <summary>Reads the rest of a stream into memory, failing once it exceeds <paramref name="maxBytes"/>.</summary>
    internal static MemoryStream ReadAllBounded(Stream stream, long maxBytes, string name)
    {
        var result = new MemoryStream();
        byte[] chunk = new byte[InitialChunk];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (result.Length + n > maxBytes)
            {
                throw new InvalidDataException($"{name}: the stream is longer than the limit of {maxBytes} bytes.");
            }
            result.Write(chunk, 0, n);
        }
        result.Position = 0;
        return result;
    }

    /// <summary>The stream's remaining length, or -1 when it cannot tell.</summary>
    internal static long Remaining(Stream stream)
    {
        if (!stream.CanSeek) return -1;
        try
        {
            return Math.Max(0, stream.Length - stream.Position);
        }
        catch (NotSupportedException)
        {
            return -1;
        }
    }
}
