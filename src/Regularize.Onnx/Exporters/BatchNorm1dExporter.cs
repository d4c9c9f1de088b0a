using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="BatchNorm1d"/> in evaluation form, y = (x − running_mean)/√(running_var + ε)·γ + β, as one
/// <c>BatchNormalization</c> whose mean and variance are the buffers <c>running_mean</c> and <c>running_var</c>.
/// A layer that tracks no running statistics normalises with the batch's statistics even in evaluation mode and is
/// not exported.
/// </summary>
internal sealed class BatchNorm1dExporter : ModuleExporter<BatchNorm1d>
{
    public override OnnxValue Export(BatchNorm1d module, OnnxValue input, OnnxGraph graph)
    {
        if (module.RunningMean is null || module.RunningVar is null)
        {
            throw graph.Unsupported(module,
                "tracks no running statistics, so its evaluation-mode output depends on the batch; export writes BatchNorm in evaluation form only (build it with trackRunningStats: true)");
        }
        if (input.Rank != 2) throw graph.InputError(module, input, $"has rank {input.Rank}, expected [batch,{module.NumFeatures}]");
        if (input.Dims[1] != module.NumFeatures) throw graph.InputError(module, input, $"has {input.Dims[1]} features, expected {module.NumFeatures}");
        string y = Normalization(graph, graph.NameOf(module), input.Name, module.Weight, module.Bias, module.RunningMean, module.RunningVar,
            module.Eps, module.NumFeatures);
        return input.Renamed(y);
    }

    /// <summary>
    /// One evaluation-form <c>BatchNormalization</c> over axis 1 of <paramref name="x"/> (<c>[N, C, …]</c>), shared by
    /// the BatchNorm layers: γ and β are the parameters when the layer is affine, else constant ones and zeros.
    /// </summary>
    internal static string Normalization(OnnxGraph graph, string scope, string x, Parameter? weight, Parameter? bias,
        Tensor runningMean, Tensor runningVar, double eps, int channels)
    {
        string scale = weight is null ? graph.AddConstant($"{scope}/scale", Enumerable.Repeat(1f, channels).ToArray(), channels) : graph.AddParameter(weight);
        string shift = bias is null ? graph.AddConstant($"{scope}/bias", new float[channels], channels) : graph.AddParameter(bias);
        return graph.AddNode("BatchNormalization", scope, [x, scale, shift, graph.AddBuffer(runningMean), graph.AddBuffer(runningVar)],
            OnnxAttribute.Float("epsilon", (float)eps));
    }
}
