namespace Regularize.IO;

/// <summary>
/// Reads a decompressing stream and turns its "corrupt data" errors into
/// <see cref="InvalidDataException"/>s that name the file.
/// </summary>
internal sealed class CorruptionGuardStream(Stream inner, string name) : ForwardReadStream
{
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: the gzip data is corrupt: {e.Message}", e);
        }
    }
}
