using System.Reflection;
using Google.Protobuf;
using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Serialization;
using Module = Regularize.Nn.Module;

namespace Regularize.Onnx;

/// <summary>
/// Writes a trained model as an ONNX model: one float32 input of shape <c>[batch, InputShape…]</c> with a dynamic
/// batch axis, one output, the default operator set at <see cref="OnnxExportOptions.Opset"/>, and every parameter and
/// buffer it uses as an initializer under its name (<c>layers.0.weight</c>).
/// </summary>
/// <remarks>
/// <para>The model is written in its evaluation form whatever its mode: Dropout is the identity and BatchNorm uses
/// its running statistics, as after <see cref="Module.Eval"/>. The model is only read, never changed.</para>
/// <para>Each module is written by the exporter registered for its exact type (<see cref="OnnxExportOptions.Exporters"/>);
/// a module without one stops the export with an <see cref="UnsupportedModuleException"/> naming its path and type,
/// and nothing is written. Shapes are followed through the model, so an input shape that does not fit a layer is
/// reported at export time with the layer's name.</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>Exports <paramref name="model"/> and returns the serialized <c>ModelProto</c>.</summary>
    /// <param name="model">The model, usually a <see cref="Sequential"/>.</param>
    /// <param name="options">The input shape, names and opset.</param>
    /// <exception cref="ArgumentException">An option is invalid, or the input shape does not fit a layer.</exception>
    /// <exception cref="UnsupportedModuleException">A module cannot be exported.</exception>
    public static byte[] ToBytes(Module model, OnnxExportOptions options) => Build(model, options).ToByteArray();

    /// <summary>Exports <paramref name="model"/> to the file <paramref name="path"/>, replacing it atomically (a failed export leaves no file behind).</summary>
    /// <param name="model">The model, usually a <see cref="Sequential"/>.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.onnx</c>.</param>
    /// <param name="options">The input shape, names and opset.</param>
    /// <exception cref="ArgumentException">An option is invalid, or the input shape does not fit a layer.</exception>
    /// <exception cref="UnsupportedModuleException">A module cannot be exported.</exception>
    public static void Save(Module model, string path, OnnxExportOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = ToBytes(model, options);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Exports <paramref name="model"/> to <paramref name="stream"/>.</summary>
    /// <param name="model">The model, usually a <see cref="Sequential"/>.</param>
    /// <param name="stream">A writable stream; left open.</param>
    /// <param name="options">The input shape, names and opset.</param>
    /// <exception cref="ArgumentException">An option is invalid, or the input shape does not fit a layer.</exception>
    /// <exception cref="UnsupportedModuleException">A module cannot be exported.</exception>
    public static void Save(Module model, Stream stream, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = ToBytes(model, options);
        stream.Write(bytes);
    }

    /// <summary>The ONNX IR version written with <paramref name="opset"/>: the lowest that defines it, so older runtimes read the file.</summary>
    internal static long IrVersionFor(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        _ => 9,
    };

    internal static ModelProto Build(Module model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        var graph = new OnnxGraph(model, options);
        var input = new OnnxValue(options.InputName, new int?[] { null }.Concat(options.InputShape.Select(d => (int?)d)));
        var output = graph.Export(model, input);
        graph.SetOutput(output, options.OutputName);

        var proto = graph.Proto;
        proto.Input.Add(ValueInfo(input.Name, input.Dims, options.BatchDimension));
        proto.Output.Add(ValueInfo(options.OutputName, output.Dims, options.BatchDimension));
        proto.DocString = $"Exported from {model.GetType().Name} by Regularize.Onnx in evaluation form.";

        var result = new ModelProto
        {
            IrVersion = IrVersionFor(options.Opset),
            ProducerName = "Regularize.Onnx",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Graph = proto,
        };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in options.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return result;
    }

    private static void Validate(OnnxExportOptions options)
    {
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset,
                $"OnnxExportOptions.Opset must be from {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}, was {options.Opset}.");
        }
        if (options.InputShape is null || options.InputShape.Any(d => d < 1))
        {
            string shape = options.InputShape is null ? "null" : "[" + string.Join(",", options.InputShape) + "]";
            throw new ArgumentException($"OnnxExportOptions.InputShape must give the positive sizes of one sample (without the batch axis), was {shape}.", nameof(options));
        }
        foreach (var (name, value) in new[] { ("InputName", options.InputName), ("OutputName", options.OutputName), ("BatchDimension", options.BatchDimension), ("GraphName", options.GraphName) })
        {
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"OnnxExportOptions.{name} must not be empty.", nameof(options));
        }
        if (options.InputName == options.OutputName)
        {
            throw new ArgumentException($"OnnxExportOptions.InputName and OutputName are both '{options.InputName}'; they must differ.", nameof(options));
        }
        ArgumentNullException.ThrowIfNull(options.Exporters, nameof(options) + ".Exporters");
        ArgumentNullException.ThrowIfNull(options.Metadata, nameof(options) + ".Metadata");
        foreach (var (key, value) in options.Metadata)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                throw new ArgumentException($"OnnxExportOptions.Metadata: keys must not be empty and values not null (key '{key}').", nameof(options));
            }
        }
    }

    private static ValueInfoProto ValueInfo(string name, IReadOnlyList<int?> dims, string batchDimension)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is int size
                ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
