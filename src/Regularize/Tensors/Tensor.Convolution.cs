using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// 2-D convolution of an NCHW batch, as <c>torch.nn.functional.conv2d</c> (a cross-correlation):
    /// y[n, o, i, j] = b[o] + Σ_{c, kh, kw} w[o, c, kh, kw]·x[n, g·C/G + c, i·sh − ph + kh·dh, j·sw − pw + kw·dw],
    /// where g = o / (O/G) is the group of output channel o, c runs over that group's C/G input channels, and taps in the
    /// zero padding read 0. The output is <c>[N, O, OH, OW]</c> with OH = ⌊(H + 2·ph − dh·(KH − 1) − 1)/sh⌋ + 1 (OW alike).
    /// </summary>
    /// <param name="input">x, shape <c>[N, C, H, W]</c>.</param>
    /// <param name="weight">w, shape <c>[O, C/G, KH, KW]</c>.</param>
    /// <param name="bias">b, shape <c>[O]</c>, or null.</param>
    /// <param name="stride">(sh, sw), at least 1; default 1.</param>
    /// <param name="padding">(ph, pw) zeros on each side, at least 0; default 0.</param>
    /// <param name="dilation">(dh, dw), the spacing of the taps, at least 1; default 1.</param>
    /// <param name="groups">G: input and output channels split into G groups convolved separately (G = C = O/k is depthwise).</param>
    /// <exception cref="ArgumentException">Shapes that do not fit together, or a window larger than the padded input; the message names both shapes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A stride, padding, dilation or group count outside its range.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2d? stride = null, Size2d? padding = null,
        Size2d? dilation = null, int groups = 1)
    {
        var pad = padding ?? 0;
        CheckSize(pad, 0, nameof(padding), "Conv2d");
        return Conv2dCore(input, weight, bias, stride ?? 1, dilation ?? 1, groups, pad.Height, pad.Width, same: false);
    }

    /// <summary>
    /// 2-D convolution with padding given by name, as <c>torch.nn.functional.conv2d(..., padding="same"|"valid")</c>:
    /// <c>"valid"</c> pads nothing; <c>"same"</c> pads d·(k − 1) zeros in total along each axis, the smaller half
    /// before and the larger after, so the output has the input's height and width (stride must be 1).
    /// Otherwise as <see cref="Conv2d(Tensor, Tensor, Tensor?, Size2d?, Size2d?, Size2d?, int)"/>.
    /// </summary>
    /// <param name="input">x, shape <c>[N, C, H, W]</c>.</param>
    /// <param name="weight">w, shape <c>[O, C/G, KH, KW]</c>.</param>
    /// <param name="bias">b, shape <c>[O]</c>, or null.</param>
    /// <param name="padding"><c>"same"</c> or <c>"valid"</c>.</param>
    /// <param name="stride">(sh, sw), at least 1; 1 with <c>"same"</c>.</param>
    /// <param name="dilation">(dh, dw), at least 1.</param>
    /// <param name="groups">G, the number of groups.</param>
    /// <exception cref="ArgumentException">An unknown padding name, <c>"same"</c> with a stride above 1, or shapes that do not fit together.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, string padding, Size2d? stride = null,
        Size2d? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(padding);
        var s = stride ?? 1;
        switch (padding)
        {
            case "valid":
                return Conv2dCore(input, weight, bias, s, dilation ?? 1, groups, 0, 0, same: false);
            case "same":
                if (s != 1)
                {
                    throw new ArgumentException($"Conv2d: padding \"same\" needs stride 1, but the stride is {s}.", nameof(stride));
                }
                return Conv2dCore(input, weight, bias, s, dilation ?? 1, groups, 0, 0, same: true);
            default:
                throw new ArgumentException($"Conv2d: padding \"{padding}\" is not \"same\" or \"valid\".", nameof(padding));
        }
    }

    private static Tensor Conv2dCore(Tensor input, Tensor weight, Tensor? bias, Size2d stride, Size2d dilation, int groups,
        int padH, int padW, bool same)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        CheckSize(stride, 1, nameof(stride), "Conv2d");
        CheckSize(dilation, 1, nameof(dilation), "Conv2d");
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: groups must be at least 1, was {groups}.");
        string Shapes() => $"input {input.Shape}, weight {weight.Shape}{(bias is null ? "" : $", bias {bias.Shape}")}";
        if (input.Rank != 4) throw new ArgumentException($"Conv2d: the input must be [N, C, H, W]; got {Shapes()}.", nameof(input));
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d: the weight must be [O, C/groups, KH, KW]; got {Shapes()}.", nameof(weight));
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        int o = weight.Shape[0], kh = weight.Shape[2], kw = weight.Shape[3];
        if (c % groups != 0 || o % groups != 0)
        {
            throw new ArgumentException($"Conv2d: groups = {groups} must divide the input channels {c} and output channels {o}; {Shapes()}.", nameof(groups));
        }
        if (weight.Shape[1] * groups != c)
        {
            throw new ArgumentException($"Conv2d: the weight expects {weight.Shape[1]}·{groups} = {weight.Shape[1] * groups} input channels but the input has {c}; {Shapes()}.", nameof(weight));
        }
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != o))
        {
            throw new ArgumentException($"Conv2d: the bias must be [{o}]; {Shapes()}.", nameof(bias));
        }
        int oh, ow;
        if (same)
        {
            int totalH = dilation.Height * (kh - 1), totalW = dilation.Width * (kw - 1);
            (padH, padW, oh, ow) = (totalH / 2, totalW / 2, h, w);
        }
        else
        {
            int spanH = h + 2 * padH - dilation.Height * (kh - 1) - 1, spanW = w + 2 * padW - dilation.Width * (kw - 1) - 1;
            if (spanH < 0 || spanW < 0)
            {
                throw new ArgumentException(
                    $"Conv2d: the dilated kernel ({dilation.Height * (kh - 1) + 1}×{dilation.Width * (kw - 1) + 1}) is larger than the padded input ({h + 2 * padH}×{w + 2 * padW}); {Shapes()}.", nameof(weight));
            }
            (oh, ow) = (spanH / stride.Height + 1, spanW / stride.Width + 1);
        }
        var g = new Window2d(n, c, h, w, kh, kw, stride.Height, stride.Width, padH, padW, dilation.Height, dilation.Width, oh, ow);
        var y = Empty(new Shape(n, o, oh, ow));
        Conv2dKernel.Forward(g, o, groups, input.Storage, input.Offset, weight.Storage, weight.Offset,
            bias?.Storage, bias?.Offset ?? 0, y.Storage, y.Offset);
        var node = bias is null
            ? Engine.Record(y, "Conv2d", Derivatives.Conv2d, input, weight)
            : Engine.Record(y, "Conv2d", Derivatives.Conv2d, input, weight, bias);
        if (node is not null)
        {
            node.Context = g;
            node.Axis = groups;
        }
        return y;
    }

    private static void CheckSize(Size2d size, int min, string name, string op)
    {
        if (size.Height < min || size.Width < min)
        {
            throw new ArgumentOutOfRangeException(name, size, $"{op}: {name} must be at least {min}, was {size}.");
        }
    }
}
