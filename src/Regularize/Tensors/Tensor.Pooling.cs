using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// 2-D max pooling of an NCHW batch, as <c>torch.nn.functional.max_pool2d</c> (floor rounding):
    /// y[n, c, i, j] = max over the taps x[n, c, i·sh − ph + a·dh, j·sw − pw + b·dw] that lie inside the input
    /// (padding is never chosen). Ties go to the first maximum in row-then-column scan order, as in PyTorch, and the
    /// gradient flows to that tap only. The output is <c>[N, C, OH, OW]</c>, OH = ⌊(H + 2·ph − dh·(KH − 1) − 1)/sh⌋ + 1.
    /// </summary>
    /// <param name="input">x, shape <c>[N, C, H, W]</c>.</param>
    /// <param name="kernelSize">(KH, KW), at least 1.</param>
    /// <param name="stride">(sh, sw), at least 1; default the kernel size.</param>
    /// <param name="padding">(ph, pw), at most half the kernel size; default 0.</param>
    /// <param name="dilation">(dh, dw), at least 1; default 1.</param>
    /// <exception cref="ArgumentException">The input is not 4-D, or the window does not fit the padded input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size outside its range.</exception>
    public static Tensor MaxPool2d(Tensor input, Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, Size2d? dilation = null)
    {
        var g = PoolWindow(input, kernelSize, stride, padding, dilation ?? 1, "MaxPool2d");
        var y = Empty(new Shape(g.N, g.C, g.OH, g.OW));
        var indices = Empty(y.Shape); // int bits of the chosen taps
        MaxPool2dKernel.Forward(g, input.Storage, input.Offset, y.Storage, y.Offset, indices.Storage, indices.Offset);
        var node = Engine.Record(y, "MaxPool2d", Derivatives.MaxPool2d, input);
        if (node is not null)
        {
            node.Context = g;
            node.Saved = indices;
        }
        return y;
    }

    /// <summary>
    /// 2-D average pooling of an NCHW batch, as <c>torch.nn.functional.avg_pool2d</c> (floor rounding): each output is
    /// the sum of its window's taps inside the input divided by the window's size, which counts the zero padding when
    /// <paramref name="countIncludePad"/> (PyTorch's default) and otherwise only the taps inside the input.
    /// </summary>
    /// <param name="input">x, shape <c>[N, C, H, W]</c>.</param>
    /// <param name="kernelSize">(KH, KW), at least 1.</param>
    /// <param name="stride">(sh, sw), at least 1; default the kernel size.</param>
    /// <param name="padding">(ph, pw), at most half the kernel size; default 0.</param>
    /// <param name="countIncludePad">Whether the padding counts in the divisor.</param>
    /// <exception cref="ArgumentException">The input is not 4-D, or the window does not fit the padded input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size outside its range.</exception>
    public static Tensor AvgPool2d(Tensor input, Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, bool countIncludePad = true)
    {
        var g = PoolWindow(input, kernelSize, stride, padding, 1, "AvgPool2d");
        var y = Empty(new Shape(g.N, g.C, g.OH, g.OW));
        AvgPool2dKernel.Forward(g, countIncludePad, input.Storage, input.Offset, y.Storage, y.Offset);
        var node = Engine.Record(y, "AvgPool2d", Derivatives.AvgPool2d, input);
        if (node is not null)
        {
            node.Context = g;
            node.Flag = countIncludePad;
        }
        return y;
    }

    /// <summary>
    /// Adaptive 2-D average pooling to a fixed output size, as <c>torch.nn.functional.adaptive_avg_pool2d</c>:
    /// y[n, c, i, j] is the mean of rows [⌊i·H/OH⌋, ⌈(i + 1)·H/OH⌉) and columns [⌊j·W/OW⌋, ⌈(j + 1)·W/OW⌉) of x[n, c].
    /// An output size of 1 is global average pooling.
    /// </summary>
    /// <param name="input">x, shape <c>[N, C, H, W]</c>.</param>
    /// <param name="outputSize">(OH, OW), at least 1.</param>
    /// <exception cref="ArgumentException">The input is not 4-D.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An output size below 1.</exception>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2d outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckSize(outputSize, 1, nameof(outputSize), "AdaptiveAvgPool2d");
        if (input.Rank != 4) throw new ArgumentException($"AdaptiveAvgPool2d: the input must be [N, C, H, W], got {input.Shape}.", nameof(input));
        var g = new Window2d(input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3], 1, 1, 1, 1, 0, 0, 1, 1,
            outputSize.Height, outputSize.Width);
        var y = Empty(new Shape(g.N, g.C, g.OH, g.OW));
        AdaptiveAvgPool2dKernel.Forward(g, input.Storage, input.Offset, y.Storage, y.Offset);
        var node = Engine.Record(y, "AdaptiveAvgPool2d", Derivatives.AdaptiveAvgPool2d, input);
        if (node is not null) node.Context = g;
        return y;
    }

    private static Window2d PoolWindow(Tensor input, Size2d kernelSize, Size2d? stride, Size2d? padding, Size2d dilation, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = stride ?? kernelSize;
        var p = padding ?? 0;
        CheckSize(kernelSize, 1, nameof(kernelSize), op);
        CheckSize(s, 1, nameof(stride), op);
        CheckSize(p, 0, nameof(padding), op);
        CheckSize(dilation, 1, nameof(dilation), op);
        if (p.Height > kernelSize.Height / 2 || p.Width > kernelSize.Width / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), p, $"{op}: padding {p} must be at most half the kernel size {kernelSize}.");
        }
        if (input.Rank != 4) throw new ArgumentException($"{op}: the input must be [N, C, H, W], got {input.Shape}.", nameof(input));
        int h = input.Shape[2], w = input.Shape[3];
        int spanH = h + 2 * p.Height - dilation.Height * (kernelSize.Height - 1) - 1;
        int spanW = w + 2 * p.Width - dilation.Width * (kernelSize.Width - 1) - 1;
        if (spanH < 0 || spanW < 0)
        {
            throw new ArgumentException($"{op}: the window {kernelSize} (dilation {dilation}) is larger than the padded input {input.Shape} (padding {p}).", nameof(kernelSize));
        }
        return new Window2d(input.Shape[0], input.Shape[1], h, w, kernelSize.Height, kernelSize.Width, s.Height, s.Width,
            p.Height, p.Width, dilation.Height, dilation.Width, spanH / s.Height + 1, spanW / s.Width + 1);
    }
}
