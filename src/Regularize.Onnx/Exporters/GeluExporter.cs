using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="GELU"/> in its <see cref="GELU.Approximation"/>. The exact (erf) form: from opset 20 the
/// <c>Gelu</c> operator; below it x·0.5·(1 + erf(x/√2)) as <c>Div</c>, <c>Erf</c>, <c>Add</c>, <c>Mul</c>, <c>Mul</c>.
/// The tanh form: from opset 20 <c>Gelu</c> with <c>approximate = "tanh"</c>; below it
/// x·0.5·(1 + tanh(√(2/π)·(x + 0.044715·x³))) as <c>Mul</c>, <c>Mul</c>, <c>Mul</c>, <c>Add</c>, <c>Mul</c>,
/// <c>Tanh</c>, <c>Add</c>, <c>Mul</c>, <c>Mul</c>.
/// </summary>
internal sealed class GeluExporter : ModuleExporter<GELU>
{
    public override OnnxValue Export(GELU module, OnnxValue input, OnnxGraph graph)
    {
        string scope = graph.NameOf(module);
        bool tanh = module.Approximation == GeluApproximation.Tanh;
        if (graph.Opset >= 20)
        {
            return input.Renamed(tanh
                ? graph.AddNode("Gelu", scope, [input.Name], OnnxAttribute.String("approximate", "tanh"))
                : graph.AddNode("Gelu", scope, [input.Name]));
        }

        string x = input.Name;
        string one = graph.AddConstant($"{scope}/one", [1f]);
        string half = graph.AddConstant($"{scope}/half", [0.5f]);
        string phi2;   // 2Φ(x): 1 + erf(x/√2), or 1 + tanh(√(2/π)(x + 0.044715x³))
        if (tanh)
        {
            string c = graph.AddConstant($"{scope}/sqrt_2_over_pi", [(float)Math.Sqrt(2.0 / Math.PI)]);
            string a = graph.AddConstant($"{scope}/coefficient", [0.044715f]);
            string x3 = graph.AddNode("Mul", scope, [graph.AddNode("Mul", scope, [x, x]), x]);
            string inner = graph.AddNode("Add", scope, [x, graph.AddNode("Mul", scope, [x3, a])]);
            phi2 = graph.AddNode("Add", scope, [graph.AddNode("Tanh", scope, [graph.AddNode("Mul", scope, [inner, c])]), one]);
        }
        else
        {
            string sqrt2 = graph.AddConstant($"{scope}/sqrt2", [(float)Math.Sqrt(2.0)]);
            phi2 = graph.AddNode("Add", scope, [graph.AddNode("Erf", scope, [graph.AddNode("Div", scope, [x, sqrt2])]), one]);
        }
        return input.Renamed(graph.AddNode("Mul", scope, [graph.AddNode("Mul", scope, [x, phi2]), half]));
    }
}
