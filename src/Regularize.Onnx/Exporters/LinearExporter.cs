using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="Linear"/> layer, y = x·Wᵀ + b, with W written as it is (<c>[out, in]</c>, under its
/// parameter name): a rank-2 input is one <c>Gemm</c> with <c>transB = 1</c>; a higher-rank input is
/// <c>MatMul(x, Transpose(W))</c> followed by <c>Add(b)</c>.
/// </summary>
internal sealed class LinearExporter : ModuleExporter<Linear>
{
    public override OnnxValue Export(Linear module, OnnxValue input, OnnxGraph graph)
    {
        if (input.Rank < 2) throw graph.InputError(module, input, $"has rank {input.Rank}, expected [batch,{module.InFeatures}]");
        if (input.Dims[^1] != module.InFeatures)
        {
            throw graph.InputError(module, input, $"has {input.Dims[^1]} features, expected {module.InFeatures}");
        }
        string scope = graph.NameOf(module);
        string w = graph.AddParameter(module.Weight);
        string? b = module.Bias is null ? null : graph.AddParameter(module.Bias);
        string y;
        if (input.Rank == 2)
        {
            y = graph.AddNode("Gemm", scope, b is null ? [input.Name, w] : [input.Name, w, b], OnnxAttribute.Int("transB", 1));
        }
        else
        {
            string wT = graph.AddNode("Transpose", scope, [w], OnnxAttribute.Ints("perm", 1, 0));
            y = graph.AddNode("MatMul", scope, [input.Name, wT]);
            if (b is not null) y = graph.AddNode("Add", scope, [y, b]);
        }
        var dims = input.Dims.ToArray();
        dims[^1] = module.OutFeatures;
        return new OnnxValue(y, dims);
    }
}
