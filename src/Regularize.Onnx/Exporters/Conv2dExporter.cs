using Regularize.Nn;

namespace Regularize.Onnx.Exporters;

/// <summary>
/// Exports a <see cref="Conv2d"/> as one <c>Conv</c> with its weight <c>[out, in/groups, kh, kw]</c> and bias as
/// initializers and the attributes <c>kernel_shape</c>, <c>strides</c>, <c>pads</c>, <c>dilations</c> and
/// <c>group</c>. Padding <c>"same"</c> becomes explicit pads: d·(k − 1) in total per axis, the smaller half first, as
/// PyTorch pads; <c>"valid"</c> is no padding.
/// </summary>
internal sealed class Conv2dExporter : ModuleExporter<Conv2d>
{
    public override OnnxValue Export(Conv2d module, OnnxValue input, OnnxGraph graph)
    {
        var (_, h, w) = Spatial.Check(graph, module, input, module.InChannels);
        var k = module.KernelSize;
        var d = module.Dilation;
        var s = module.Stride;
        int top, left, bottom, right;
        if (module.PaddingMode == "same")
        {
            int totalH = d.Height * (k.Height - 1), totalW = d.Width * (k.Width - 1);
            (top, left, bottom, right) = (totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2);
        }
        else
        {
            (top, left, bottom, right) = (module.Padding.Height, module.Padding.Width, module.Padding.Height, module.Padding.Width);
        }
        int oh = Spatial.OutputSize(h, top, bottom, k.Height, s.Height, d.Height);
        int ow = Spatial.OutputSize(w, left, right, k.Width, s.Width, d.Width);
        if (oh < 1 || ow < 1)
        {
            throw graph.InputError(module, input, $"is smaller than the dilated kernel {k} (dilation {d}) with its padding");
        }
        string weight = graph.AddParameter(module.Weight);
        string[] inputs = module.Bias is null ? [input.Name, weight] : [input.Name, weight, graph.AddParameter(module.Bias)];
        string y = graph.AddNode("Conv", graph.NameOf(module), inputs,
            Spatial.Ints("kernel_shape", k), Spatial.Ints("strides", s), Spatial.Pads(top, left, bottom, right),
            Spatial.Ints("dilations", d), OnnxAttribute.Int("group", module.Groups));
        return new OnnxValue(y, [null, module.OutChannels, oh, ow]);
    }
}
