using Regularize.Nn;

namespace Regularize.Onnx;

/// <summary>
/// Writes one module type into an ONNX graph: the nodes that compute its evaluation-mode forward pass and the
/// initializers that hold its parameters and buffers. <see cref="ModuleExporterRegistry"/> looks exporters up by
/// the module's exact type; derive from <see cref="ModuleExporter{TModule}"/> to write one.
/// </summary>
public interface IModuleExporter
{
    /// <summary>The module type this exporter handles (matched exactly, not its subclasses).</summary>
    Type ModuleType { get; }

    /// <summary>Adds the nodes of <paramref name="module"/> applied to <paramref name="input"/> to <paramref name="graph"/>.</summary>
    /// <param name="module">The module, of type <see cref="ModuleType"/>.</param>
    /// <param name="input">The value the module reads, with its shape.</param>
    /// <param name="graph">The graph being built.</param>
    /// <returns>The value the module produces, with its shape.</returns>
    OnnxValue Export(Module module, OnnxValue input, OnnxGraph graph);
}
