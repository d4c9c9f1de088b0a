namespace Regularize.Onnx;

/// <summary>What <see cref="OnnxExporter"/> writes besides the model itself: the input's shape, names, and the opset.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The lowest opset export writes.</summary>
    public const int MinOpset = 13;

    /// <summary>The highest opset export writes.</summary>
    public const int MaxOpset = 20;

    /// <summary>
    /// The default opset, 17: the first with <c>LayerNormalization</c>, and the newest that the ONNX 1.12 checker
    /// and every ONNX Runtime since 1.12 accept.
    /// </summary>
    public const int DefaultOpset = 17;

    /// <summary>The shape of one sample, without the batch axis: <c>[784]</c> for an MLP on flattened 28×28 images. Required.</summary>
    public required IReadOnlyList<int> InputShape { get; init; }

    /// <summary>The name of the graph's input; <c>input</c> by default.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The name of the graph's output; <c>output</c> by default.</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>The symbolic name of the dynamic batch axis (axis 0 of the input and the output); <c>batch</c> by default.</summary>
    public string BatchDimension { get; init; } = "batch";

    /// <summary>
    /// The version of the default ONNX operator set, from <see cref="MinOpset"/> to <see cref="MaxOpset"/>;
    /// <see cref="DefaultOpset"/> by default. Below 17, LayerNorm is written as its primitives (ReduceMean, Sub, Mul,
    /// Add, Sqrt, Div); below 20, GELU is written as x·0.5·(1 + erf(x/√2)).
    /// </summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>The name of the graph, stored in the file; <c>regularize</c> by default.</summary>
    public string GraphName { get; init; } = "regularize";

    /// <summary>
    /// Key–value pairs stored in the model's <c>metadata_props</c> (ONNX Runtime shows them in
    /// <c>ModelMetadata.CustomMetadataMap</c>), for example how to prepare the input; none by default.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The exporters by module type; <see cref="ModuleExporterRegistry.CreateDefault"/> (a new one per options object) by default.</summary>
    public ModuleExporterRegistry Exporters { get; init; } = ModuleExporterRegistry.CreateDefault();
}
