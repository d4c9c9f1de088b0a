namespace Regularize.Data;

/// <summary>The element types of the IDX format that Regularize reads.</summary>
public enum IdxElementType : byte
{
    /// <summary>Type code 0x08: one unsigned byte per element (MNIST, Fashion-MNIST).</summary>
    UnsignedByte = 0x08,
}
