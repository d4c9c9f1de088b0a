using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="LayerNorm"/> over its k trailing axes: from opset 17 one <c>LayerNormalization</c> with
/// <c>axis = −k</c>; below it the primitives of y = (x − μ)/√(σ² + ε)·γ + β (<c>ReduceMean</c>, <c>Sub</c>,
/// <c>Mul</c>, <c>ReduceMean</c>, <c>Add</c>, <c>Sqrt</c>, <c>Div</c>, then <c>Mul</c> γ and <c>Add</c> β when affine).
/// </summary>
internal sealed class LayerNormExporter : ModuleExporter<LayerNorm>
{
    public override OnnxValue Export(LayerNorm module, OnnxValue input, OnnxGraph graph)
    {
        var normalized = module.NormalizedShape.ToArray();
        int k = normalized.Length;
        bool fits = input.Rank > k;
        for (int i = 0; fits && i < k; i++) fits = input.Dims[input.Rank - k + i] == normalized[i];
        if (!fits) throw graph.InputError(module, input, $"does not end in the normalized shape [{string.Join(",", normalized)}] after the batch axis");

        string scope = graph.NameOf(module);
        string? gamma = module.Weight is null ? null : graph.AddParameter(module.Weight);
        string? beta = module.Bias is null ? null : graph.AddParameter(module.Bias);
        float eps = (float)module.Eps;
        if (graph.Opset >= 17)
        {
            // Scale is a required input of LayerNormalization; without an affine map it is ones (and B is left out).
            gamma ??= graph.AddConstant($"{scope}/scale", Enumerable.Repeat(1f, (int)normalized.Aggregate(1L, (p, d) => p * d)).ToArray(), normalized);
            string[] inputs = beta is null ? [input.Name, gamma] : [input.Name, gamma, beta];
            return input.Renamed(graph.AddNode("LayerNormalization", scope, inputs,
                OnnxAttribute.Int("axis", -k), OnnxAttribute.Float("epsilon", eps)));
        }

        var axes = OnnxAttribute.Ints("axes", Enumerable.Range(-k, k).Select(a => (long)a).ToArray());
        var keepDims = OnnxAttribute.Int("keepdims", 1);
        string mean = graph.AddNode("ReduceMean", scope, [input.Name], axes, keepDims);
        string centred = graph.AddNode("Sub", scope, [input.Name, mean]);
        string variance = graph.AddNode("ReduceMean", scope, [graph.AddNode("Mul", scope, [centred, centred])], axes, keepDims);
        string std = graph.AddNode("Sqrt", scope, [graph.AddNode("Add", scope, [variance, graph.AddConstant($"{scope}/epsilon", [eps])])]);
        string y = graph.AddNode("Div", scope, [centred, std]);
        if (gamma is not null) y = graph.AddNode("Add", scope, [graph.AddNode("Mul", scope, [y, gamma]), beta!]);
        return input.Renamed(y);
    }
}
