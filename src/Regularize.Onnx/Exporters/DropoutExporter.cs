using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>Exports a <see cref="Dropout"/> in evaluation form: an <c>Identity</c> node.</summary>
internal sealed class DropoutExporter : ModuleExporter<Dropout>
{
    public override OnnxValue Export(Dropout module, OnnxValue input, OnnxGraph graph) =>
        input.Renamed(graph.AddNode("Identity", graph.NameOf(module), [input.Name]));
}
