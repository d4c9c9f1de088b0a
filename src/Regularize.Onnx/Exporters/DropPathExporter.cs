using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>Exports a <see cref="DropPath"/> in evaluation form, where stochastic depth keeps every branch unscaled: an <c>Identity</c> node.</summary>
internal sealed class DropPathExporter : ModuleExporter<DropPath>
{
    public override OnnxValue Export(DropPath module, OnnxValue input, OnnxGraph graph) =>
        input.Renamed(graph.AddNode("Identity", graph.NameOf(module), [input.Name]));
}
