using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>The content of an IDX file: its dimensions and its elements in row-major order.</summary>
public sealed class IdxArray
{
    internal IdxArray(string source, Shape shape, byte[] data)
    {
        Source = source;
        Shape = shape;
        Data = data;
    }

    /// <summary>The path or name the array was read from, as used in error messages.</summary>
    public string Source { get; }

    /// <summary>The dimensions from the file's header, outermost first (for images: count, rows, columns).</summary>
    public Shape Shape { get; }

    /// <summary>The element type; always <see cref="IdxElementType.UnsignedByte"/> for now.</summary>
    public IdxElementType ElementType => IdxElementType.UnsignedByte;

    /// <summary>The elements in row-major order; its length is the product of <see cref="Shape"/>.</summary>
    public byte[] Data { get; }
}
