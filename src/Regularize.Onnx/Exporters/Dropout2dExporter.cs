using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>Exports a <see cref="Dropout2d"/> in evaluation form: an <c>Identity</c> node.</summary>
internal sealed class Dropout2dExporter : ModuleExporter<Dropout2d>
{
    public override OnnxValue Export(Dropout2d module, OnnxValue input, OnnxGraph graph) =>
        input.Renamed(graph.AddNode("Identity", graph.NameOf(module), [input.Name]));
}
