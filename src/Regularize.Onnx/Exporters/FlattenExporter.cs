using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>Exports a <see cref="Flatten"/>, <c>[N, d1, d2, …]</c> → <c>[N, d1·d2·…]</c>, as <c>Flatten</c> with <c>axis = 1</c>.</summary>
internal sealed class FlattenExporter : ModuleExporter<Flatten>
{
    public override OnnxValue Export(Flatten module, OnnxValue input, OnnxGraph graph)
    {
        if (input.Rank < 2) throw graph.InputError(module, input, $"has rank {input.Rank}, expected a batch [batch, d1, ...] of rank 2 or more");
        long rest = input.KnownLength;
        if (rest > int.MaxValue) throw graph.InputError(module, input, $"flattens to {rest} features, more than {int.MaxValue}");
        string y = graph.AddNode("Flatten", graph.NameOf(module), [input.Name], OnnxAttribute.Int("axis", 1));
        return new OnnxValue(y, [null, (int)rest]);
    }
}
