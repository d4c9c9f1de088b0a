using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="BatchNorm2d"/> in evaluation form, per channel of <c>[N, C, H, W]</c>
/// y = (x − running_mean)/√(running_var + ε)·γ + β, as one <c>BatchNormalization</c>
/// (<see cref="BatchNorm1dExporter.Normalization"/>). A layer that tracks no running statistics is not exported.
/// </summary>
internal sealed class BatchNorm2dExporter : ModuleExporter<BatchNorm2d>
{
    public override OnnxValue Export(BatchNorm2d module, OnnxValue input, OnnxGraph graph)
    {
        if (module.RunningMean is null || module.RunningVar is null)
        {
            throw graph.Unsupported(module,
                "tracks no running statistics, so its evaluation-mode output depends on the batch; export writes BatchNorm in evaluation form only (build it with trackRunningStats: true)");
        }
        Spatial.Check(graph, module, input, module.NumFeatures);
        string y = BatchNorm1dExporter.Normalization(graph, graph.NameOf(module), input.Name, module.Weight, module.Bias, module.RunningMean,
            module.RunningVar, module.Eps, module.NumFeatures);
        return input.Renamed(y);
    }
}
