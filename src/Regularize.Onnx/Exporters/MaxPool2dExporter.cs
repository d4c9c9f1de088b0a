using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="MaxPool2d"/> as one <c>MaxPool</c> (floor rounding). Its padding has PyTorch's meaning: padded
/// taps never win (they count as −∞), which is how <c>MaxPool</c> treats <c>pads</c>.
/// </summary>
internal sealed class MaxPool2dExporter : ModuleExporter<MaxPool2d>
{
    public override OnnxValue Export(MaxPool2d module, OnnxValue input, OnnxGraph graph)
    {
        var (c, h, w) = Spatial.Check(graph, module, input);
        var (k, s, p, d) = (module.KernelSize, module.Stride, module.Padding, module.Dilation);
        int oh = Spatial.OutputSize(h, p.Height, p.Height, k.Height, s.Height, d.Height);
        int ow = Spatial.OutputSize(w, p.Width, p.Width, k.Width, s.Width, d.Width);
        if (oh < 1 || ow < 1) throw graph.InputError(module, input, $"is smaller than the dilated kernel {k} (dilation {d}) with its padding");
        string y = graph.AddNode("MaxPool", graph.NameOf(module), [input.Name],
            Spatial.Ints("kernel_shape", k), Spatial.Ints("strides", s), Spatial.Pads(p.Height, p.Width, p.Height, p.Width),
            Spatial.Ints("dilations", d));
        return new OnnxValue(y, [null, c, oh, ow]);
    }
}
