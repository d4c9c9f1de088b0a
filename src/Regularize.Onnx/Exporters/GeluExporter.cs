using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports the exact (erf-based) <see cref="GELU"/>: from opset 20 the <c>Gelu</c> operator; below it
/// x·0.5·(1 + erf(x/√2)) as <c>Div</c>, <c>Erf</c>, <c>Add</c>, <c>Mul</c>, <c>Mul</c>.
/// </summary>
internal sealed class GeluExporter : ModuleExporter<GELU>
{
    public override OnnxValue Export(GELU module, OnnxValue input, OnnxGraph graph)
    {
        string scope = graph.NameOf(module);
        if (graph.Opset >= 20) return input.Renamed(graph.AddNode("Gelu", scope, [input.Name]));

        string sqrt2 = graph.AddConstant($"{scope}/sqrt2", [(float)Math.Sqrt(2.0)]);
        string one = graph.AddConstant($"{scope}/one", [1f]);
        string half = graph.AddConstant($"{scope}/half", [0.5f]);
        string erf = graph.AddNode("Erf", scope, [graph.AddNode("Div", scope, [input.Name, sqrt2])]);
        string xPhi = graph.AddNode("Mul", scope, [input.Name, graph.AddNode("Add", scope, [erf, one])]);
        return input.Renamed(graph.AddNode("Mul", scope, [xPhi, half]));
    }
}
