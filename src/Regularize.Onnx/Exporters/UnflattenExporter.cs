using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports an <see cref="Unflatten"/>, <c>[N, …]</c> → <c>[N, Sizes…]</c>, as one <c>Reshape</c> whose target shape
/// starts with 0 (copy the batch axis, so it stays dynamic) followed by the sizes.
/// </summary>
internal sealed class UnflattenExporter : ModuleExporter<Unflatten>
{
    public override OnnxValue Export(Unflatten module, OnnxValue input, OnnxGraph graph)
    {
        if (input.Rank < 1) throw graph.InputError(module, input, "has rank 0, expected a batch [batch, ...]");
        long per = module.Sizes.Aggregate(1L, (p, s) => p * s);
        if (input.KnownLength != per)
        {
            throw graph.InputError(module, input, $"holds {input.KnownLength} values per example, expected {per} for [{string.Join(",", module.Sizes)}]");
        }
        string scope = graph.NameOf(module);
        long[] shape = [0, .. module.Sizes.Select(s => (long)s)];
        string target = graph.AddConstant($"{scope}/shape", shape, shape.Length);
        string y = graph.AddNode("Reshape", scope, [input.Name, target]);
        return new OnnxValue(y, [null, .. module.Sizes.Select(s => (int?)s)]);
    }
}
