namespace Regularize.IO;

/// <summary>Gives back bytes already taken from a stream that cannot seek, then the rest of it.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : ForwardReadStream
{
    private int _used;

    public override int Read(Span<byte> buffer)
    {
        if (_used < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - _used);
            prefix.AsSpan(_used, n).CopyTo(buffer);
            _used += n;
            return n;
        }
        return inner.Read(buffer);
    }
}
