using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>One tensor of a safetensors file.</summary>
public sealed class SafeTensorsEntry
{
    internal SafeTensorsEntry(string name, SafeTensorsDType dtype, Tensor tensor, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Tensor = tensor;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name, as written in the header.</summary>
    public string Name { get; }

    /// <summary>The element type in the file (the tensor itself is float32).</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The values, converted to float32, with the shape from the header.</summary>
    public Tensor Tensor { get; }

    /// <summary>Where the tensor's bytes start, relative to the end of the header.</summary>
    public long DataBegin { get; }

    /// <summary>Where the tensor's bytes end (exclusive), relative to the end of the header.</summary>
    public long DataEnd { get; }
}
