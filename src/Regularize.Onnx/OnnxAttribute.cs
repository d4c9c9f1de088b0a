using Regularize.Onnx.Protobuf;

namespace Regularize.Onnx;

/// <summary>An attribute of a node (ONNX <c>AttributeProto</c>): a name and one value of a supported kind.</summary>
public sealed class OnnxAttribute
{
    private readonly AttributeProto _proto;

    private OnnxAttribute(AttributeProto proto) => _proto = proto;

    /// <summary>The attribute's name, e.g. <c>transB</c>.</summary>
    public string Name => _proto.Name;

    /// <summary>An integer attribute (ONNX <c>INT</c>, a 64-bit integer).</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="value">The value.</param>
    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>A float attribute (ONNX <c>FLOAT</c>, 32 bits).</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="value">The value.</param>
    public static OnnxAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A string attribute (ONNX <c>STRING</c>, written as UTF-8).</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="value">The value.</param>
    public static OnnxAttribute String(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(new AttributeProto
        {
            Name = Checked(name), Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value),
        });
    }

    /// <summary>A list of integers (ONNX <c>INTS</c>), e.g. the axes of a reduction or the strides of a convolution.</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="values">The values, in order.</param>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new(proto);
    }

    /// <summary>A list of floats (ONNX <c>FLOATS</c>).</summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="values">The values, in order.</param>
    public static OnnxAttribute Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Floats };
        proto.Floats.AddRange(values);
        return new(proto);
    }

    internal AttributeProto ToProto() => _proto.Clone();

    private static string Checked(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
