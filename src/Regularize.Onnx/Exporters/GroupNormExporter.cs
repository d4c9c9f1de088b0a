using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="GroupNorm"/> over <c>[N, C, …]</c> at any supported opset through <c>InstanceNormalization</c>,
/// which normalises each (n, channel) of its input over the trailing axes: <c>Reshape</c> to <c>[N, G, (C/G)·…]</c> makes
/// each group one such channel, <c>InstanceNormalization</c> (scale 1, bias 0, the layer's ε) normalises it, <c>Reshape</c>
/// goes back to <c>[N, C, …]</c>, and when affine <c>Mul</c> by γ and <c>Add</c> β, reshaped to <c>[C, 1, …]</c>.
/// </summary>
/// <remarks>
/// ONNX's own <c>GroupNormalization</c> (opset 18) took its scale and bias per group rather than per channel until opset
/// 21 redefined it, so it is not used.
/// </remarks>
internal sealed class GroupNormExporter : ModuleExporter<GroupNorm>
{
    public override OnnxValue Export(GroupNorm module, OnnxValue input, OnnxGraph graph)
    {
        if (input.Rank < 2) throw graph.InputError(module, input, $"has rank {input.Rank}, expected [batch, {module.NumChannels}, ...]");
        if (input.Dims[1] != module.NumChannels) throw graph.InputError(module, input, $"has {input.Dims[1]} channels, expected {module.NumChannels}");

        string scope = graph.NameOf(module);
        int groups = module.NumGroups;
        string grouped = graph.AddNode("Reshape", scope, [input.Name, graph.AddConstant($"{scope}/group_shape", new long[] { 0, groups, -1 }, 3)]);
        string scale = graph.AddConstant($"{scope}/group_scale", Enumerable.Repeat(1f, groups).ToArray(), groups);
        string shift = graph.AddConstant($"{scope}/group_bias", new float[groups], groups);
        string normalized = graph.AddNode("InstanceNormalization", scope, [grouped, scale, shift], OnnxAttribute.Float("epsilon", (float)module.Eps));
        long[] back = [0, .. input.Dims.Skip(1).Select(d => (long)d!.Value)];
        string y = graph.AddNode("Reshape", scope, [normalized, graph.AddConstant($"{scope}/shape", back, back.Length)]);
        if (module.Weight is not null)
        {
            // γ and β [C] broadcast against [N, C, …] as [C, 1, …, 1].
            long[] perChannel = [module.NumChannels, .. Enumerable.Repeat(1L, input.Rank - 2)];
            string channelShape = graph.AddConstant($"{scope}/channel_shape", perChannel, perChannel.Length);
            string gamma = graph.AddNode("Reshape", scope, [graph.AddParameter(module.Weight), channelShape]);
            string beta = graph.AddNode("Reshape", scope, [graph.AddParameter(module.Bias!), channelShape]);
            y = graph.AddNode("Add", scope, [graph.AddNode("Mul", scope, [y, gamma]), beta]);
        }
        return input.Renamed(y);
    }
}
