using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports an <see cref="AvgPool2d"/> as one <c>AveragePool</c> (floor rounding) whose <c>count_include_pad</c> is the
/// layer's <see cref="AvgPool2d.CountIncludePad"/>.
/// </summary>
internal sealed class AvgPool2dExporter : ModuleExporter<AvgPool2d>
{
    public override OnnxValue Export(AvgPool2d module, OnnxValue input, OnnxGraph graph)
    {
        var (c, h, w) = Spatial.Check(graph, module, input);
        var (k, s, p) = (module.KernelSize, module.Stride, module.Padding);
        int oh = Spatial.OutputSize(h, p.Height, p.Height, k.Height, s.Height, 1);
        int ow = Spatial.OutputSize(w, p.Width, p.Width, k.Width, s.Width, 1);
        if (oh < 1 || ow < 1) throw graph.InputError(module, input, $"is smaller than the kernel {k} with its padding");
        string y = graph.AddNode("AveragePool", graph.NameOf(module), [input.Name],
            Spatial.Ints("kernel_shape", k), Spatial.Ints("strides", s), Spatial.Pads(p.Height, p.Width, p.Height, p.Width),
            OnnxAttribute.Int("count_include_pad", module.CountIncludePad ? 1 : 0));
        return new OnnxValue(y, [null, c, oh, ow]);
    }
}
