using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Onnx.Exporters;

/// <summary>Shape checks and attributes shared by the exporters of the 2-D layers on <c>[N, C, H, W]</c>.</summary>
internal static class Spatial
{
    /// <summary>Checks that <paramref name="input"/> is <c>[batch, C, H, W]</c> (with C = <paramref name="channels"/> when given).</summary>
    public static (int C, int H, int W) Check(OnnxGraph graph, Module module, OnnxValue input, int? channels = null)
    {
        if (input.Rank != 4) throw graph.InputError(module, input, $"has rank {input.Rank}, expected [batch,{channels?.ToString() ?? "C"},H,W]");
        int c = input.Dims[1]!.Value, h = input.Dims[2]!.Value, w = input.Dims[3]!.Value;
        if (channels is int expected && c != expected) throw graph.InputError(module, input, $"has {c} channels, expected {expected}");
        return (c, h, w);
    }

    /// <summary>The output size of a sliding window, ⌊(n + padBegin + padEnd − d·(k − 1) − 1)/s⌋ + 1 (PyTorch's floor rounding).</summary>
    public static int OutputSize(int n, int padBegin, int padEnd, int kernel, int stride, int dilation) =>
        (n + padBegin + padEnd - dilation * (kernel - 1) - 1) is var span && span < 0 ? 0 : span / stride + 1;

    /// <summary>Attributes <c>ints</c> for a 2-D size, (H, W).</summary>
    public static OnnxAttribute Ints(string name, Size2d size) => OnnxAttribute.Ints(name, size.Height, size.Width);

    /// <summary>The <c>pads</c> attribute, [top, left, bottom, right].</summary>
    public static OnnxAttribute Pads(int top, int left, int bottom, int right) => OnnxAttribute.Ints("pads", top, left, bottom, right);
}
