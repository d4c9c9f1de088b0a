using System.Buffers.Binary;
using Google.Protobuf;
using Regularize.Nn;
using Regularize.Onnx.Protobuf;
using Regularize.Tensors;

namespace Regularize.Onnx;

/// <summary>
/// The graph being exported, as an <see cref="IModuleExporter"/> sees it: it adds nodes, turns parameters and
/// buffers into initializers under their names, and exports child modules through the registry.
/// </summary>
/// <remarks>
/// Names are relative to the exported root, as <see cref="Module.NamedParameters"/> gives them: the weight of the
/// first layer of a <see cref="Sequential"/> is the initializer <c>0.weight</c>, of a Sequential registered as
/// <c>layers</c> in the root, <c>layers.0.weight</c>. Node outputs are named <c>{module path}/{op type}</c> and
/// made unique with a numeric suffix when a module adds the same op twice.
/// </remarks>
public sealed class OnnxGraph
{
    private readonly GraphProto _graph = new();
    private readonly ModuleExporterRegistry _exporters;
    private readonly Dictionary<Parameter, string> _parameterNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _bufferNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Module, string> _moduleNames = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _written = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    internal OnnxGraph(Module root, OnnxExportOptions options)
    {
        _exporters = options.Exporters;
        Opset = options.Opset;
        _graph.Name = options.GraphName;
        foreach (var (name, module) in root.NamedModules()) _moduleNames[module] = name;
        foreach (var (name, parameter) in root.NamedParameters())
        {
            _parameterNames[parameter] = name;
            _valueNames.Add(name);
        }
        foreach (var (name, buffer) in root.NamedBuffers())
        {
            _bufferNames.TryAdd(buffer, name);
            _valueNames.Add(name);
        }
        foreach (var reserved in new[] { options.InputName, options.OutputName })
        {
            if (!_valueNames.Add(reserved))
            {
                throw new ArgumentException(
                    $"ONNX export: the graph's input or output name '{reserved}' is also the name of a parameter or buffer of the model; choose another.",
                    nameof(options));
            }
        }
    }

    /// <summary>The version of the default operator set being written; an exporter may write different nodes for different opsets.</summary>
    public int Opset { get; }

    internal GraphProto Proto => _graph;

    /// <summary>The path of <paramref name="module"/> relative to the exported root (empty for the root), used to name its nodes.</summary>
    /// <param name="module">A module of the exported tree.</param>
    /// <exception cref="ArgumentException">The module is not part of the exported tree.</exception>
    public string NameOf(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return _moduleNames.TryGetValue(module, out var name)
            ? name
            : throw new ArgumentException($"ONNX export: {module.Describe()} is not part of the exported model.", nameof(module));
    }

    /// <summary>Exports <paramref name="module"/> applied to <paramref name="input"/> with the exporter registered for its type; containers call this for their children.</summary>
    /// <param name="module">A module of the exported tree.</param>
    /// <param name="input">The value it reads.</param>
    /// <returns>The value it produces.</returns>
    /// <exception cref="UnsupportedModuleException">No exporter is registered for the module's type; the message names its path and type.</exception>
    public OnnxValue Export(Module module, OnnxValue input)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        string path = NameOf(module);
        if (!_exporters.TryGet(module.GetType(), out var exporter))
        {
            throw new UnsupportedModuleException(path, module.GetType(),
                $"ONNX export: module {Display(path)} of type {module.GetType().FullName} has no ONNX exporter. " +
                $"Supported types: {string.Join(", ", _exporters.SupportedTypes.Select(t => t.Name))}. " +
                "Register an IModuleExporter for it in OnnxExportOptions.Exporters.");
        }
        return exporter.Export(module, input, this)
            ?? throw new InvalidOperationException($"ONNX export: {exporter.GetType().Name} returned no value for module {Display(path)}.");
    }

    /// <summary>An exception for a module in a configuration export does not cover; the message names its path and type.</summary>
    /// <param name="module">The module.</param>
    /// <param name="reason">Why it cannot be exported, phrased after the module's name, e.g. "has no running statistics".</param>
    public UnsupportedModuleException Unsupported(Module module, string reason)
    {
        string path = NameOf(module);
        return new UnsupportedModuleException(path, module.GetType(),
            $"ONNX export: module {Display(path)} of type {module.GetType().FullName} {reason}.");
    }

    /// <summary>An exception for an input whose shape does not fit <paramref name="module"/>; the message names the module and both shapes.</summary>
    /// <param name="module">The module.</param>
    /// <param name="input">The value it was given.</param>
    /// <param name="problem">What is wrong, phrased after "input [..]", e.g. "has 100 features, expected 784".</param>
    public ArgumentException InputError(Module module, OnnxValue input, string problem) =>
        new($"ONNX export: module {Display(NameOf(module))} ({module.Describe()}): input {input.FormatShape()} {problem}. " +
            "Check OnnxExportOptions.InputShape.", nameof(input));

    /// <summary>Writes the value of <paramref name="parameter"/> as an initializer under its name (once, however often it is used).</summary>
    /// <param name="parameter">A parameter of the exported tree.</param>
    /// <returns>The initializer's name, e.g. <c>layers.0.weight</c>.</returns>
    /// <exception cref="ArgumentException">The parameter is not part of the exported tree.</exception>
    public string AddParameter(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_parameterNames.TryGetValue(parameter, out var name))
        {
            throw new ArgumentException($"ONNX export: parameter '{parameter.Name}' is not part of the exported model.", nameof(parameter));
        }
        if (_written.Add(parameter)) _graph.Initializer.Add(FloatTensor(name, parameter.Value.Span, parameter.Shape.ToArray()));
        return name;
    }

    /// <summary>Writes a registered buffer (such as BatchNorm's <c>running_mean</c>) as an initializer under its name (once).</summary>
    /// <param name="buffer">A buffer of a module of the exported tree.</param>
    /// <returns>The initializer's name, e.g. <c>1.running_mean</c>.</returns>
    /// <exception cref="ArgumentException">The tensor is not a buffer of the exported tree.</exception>
    public string AddBuffer(Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!_bufferNames.TryGetValue(buffer, out var name))
        {
            throw new ArgumentException($"ONNX export: the tensor {buffer.Shape} is not a buffer of the exported model.", nameof(buffer));
        }
        if (_written.Add(buffer)) _graph.Initializer.Add(FloatTensor(name, buffer.Span, buffer.Shape.ToArray()));
        return name;
    }

    /// <summary>Writes a float32 constant that is not a parameter (such as the ones of a scale a layer does not learn) as an initializer.</summary>
    /// <param name="name">The name wanted; a numeric suffix is added if it is taken.</param>
    /// <param name="values">The values, row-major.</param>
    /// <param name="dims">The shape; empty for a scalar.</param>
    /// <returns>The initializer's name.</returns>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public string AddConstant(string name, ReadOnlySpan<float> values, params int[] dims)
    {
        CheckLength(name, values.Length, dims);
        string unique = UniqueValueName(name);
        _graph.Initializer.Add(FloatTensor(unique, values, dims));
        return unique;
    }

    /// <summary>Writes an int64 constant (such as the target shape of a Reshape) as an initializer.</summary>
    /// <param name="name">The name wanted; a numeric suffix is added if it is taken.</param>
    /// <param name="values">The values, row-major.</param>
    /// <param name="dims">The shape; empty for a scalar.</param>
    /// <returns>The initializer's name.</returns>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public string AddConstant(string name, ReadOnlySpan<long> values, params int[] dims)
    {
        CheckLength(name, values.Length, dims);
        string unique = UniqueValueName(name);
        var tensor = new TensorProto { Name = unique, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        return unique;
    }

    /// <summary>Adds a node of the default domain with one output.</summary>
    /// <param name="opType">The operator, e.g. <c>Gemm</c>.</param>
    /// <param name="scope">The path of the module adding it (see <see cref="NameOf"/>); names the node and its output.</param>
    /// <param name="inputs">The names of its inputs, in the operator's order.</param>
    /// <param name="attributes">Its attributes.</param>
    /// <returns>The name of its output, <c>{scope}/{opType}</c> made unique.</returns>
    public string AddNode(string opType, string scope, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        string baseName = scope.Length == 0 ? opType : $"{scope}/{opType}";
        string output = UniqueValueName(baseName);
        var node = new NodeProto { OpType = opType, Name = UniqueNodeName(baseName) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Select(a => a.ToProto()));
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Gives the value <paramref name="value"/> the graph output's name: renames the node output that produces it, or adds an Identity when it is the input or an initializer.</summary>
    internal void SetOutput(OnnxValue value, string outputName)
    {
        var producer = _graph.Node.FirstOrDefault(n => n.Output.Contains(value.Name));
        if (producer is null)
        {
            var identity = new NodeProto { OpType = "Identity", Name = UniqueNodeName("output/Identity") };
            identity.Input.Add(value.Name);
            identity.Output.Add(outputName);
            _graph.Node.Add(identity);
            return;
        }
        foreach (var node in _graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == value.Name) node.Input[i] = outputName;
            }
            for (int i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == value.Name) node.Output[i] = outputName;
            }
        }
    }

    private string UniqueNodeName(string baseName)
    {
        string name = baseName;
        for (int i = 1; !_nodeNames.Add(name); i++) name = $"{baseName}_{i}";
        return name;
    }

    private string UniqueValueName(string baseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        string name = baseName;
        for (int i = 1; !_valueNames.Add(name); i++) name = $"{baseName}_{i}";
        return name;
    }

    private static void CheckLength(string name, int length, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long expected = dims.Aggregate(1L, (p, d) => p * d);
        if (dims.Any(d => d < 0) || expected != length)
        {
            throw new ArgumentException(
                $"ONNX export: constant '{name}' has {length} values but shape [{string.Join(",", dims)}] holds {expected}.", nameof(dims));
        }
    }

    private static TensorProto FloatTensor(string name, ReadOnlySpan<float> values, int[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        // raw_data is little-endian by the ONNX spec, whatever the machine.
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static string Display(string path) => path.Length == 0 ? "(the root)" : $"'{path}'";
}
