using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports an <see cref="AdaptiveAvgPool2d"/>: an output size of 1×1 is <c>GlobalAveragePool</c>; an output size that
/// divides the input size evenly, (H/oh, W/ow) windows that tile the input, is an <c>AveragePool</c> with that kernel
/// and stride. Other sizes have overlapping windows of varying size, which no single ONNX operator computes, and are
/// not exported.
/// </summary>
internal sealed class AdaptiveAvgPool2dExporter : ModuleExporter<AdaptiveAvgPool2d>
{
    public override OnnxValue Export(AdaptiveAvgPool2d module, OnnxValue input, OnnxGraph graph)
    {
        var (c, h, w) = Spatial.Check(graph, module, input);
        var o = module.OutputSize;
        string scope = graph.NameOf(module);
        if (o.Height == 1 && o.Width == 1)
        {
            return new OnnxValue(graph.AddNode("GlobalAveragePool", scope, [input.Name]), [null, c, 1, 1]);
        }
        if (h % o.Height != 0 || w % o.Width != 0)
        {
            throw graph.Unsupported(module,
                $"pools an input of {h}×{w} to {o.Height}×{o.Width}, which does not divide it evenly; only 1×1 (GlobalAveragePool) and output sizes that divide the input size (AveragePool) are exported");
        }
        var kernel = new Regularize.Tensors.Size2d(h / o.Height, w / o.Width);
        string y = graph.AddNode("AveragePool", scope, [input.Name], Spatial.Ints("kernel_shape", kernel), Spatial.Ints("strides", kernel));
        return new OnnxValue(y, [null, c, o.Height, o.Width]);
    }
}
