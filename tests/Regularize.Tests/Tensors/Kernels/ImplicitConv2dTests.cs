using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>
/// <see cref="ImplicitConv2d"/>: the two tile layouts of the forward product (rows of output channels, rows of
/// outputs) must give the same bits, since the layout is chosen by cost and the input gradient runs through it too.
/// The values themselves are checked against the definition and PyTorch in <c>ConvolutionOpsTests</c> and
/// <c>ConvolutionParityTests</c>.
/// </summary>
[Category("Kernels")]
public class ImplicitConv2dTests
{
    // (N, C, H, W, O, KH, KW, pad, dilation, groups, bias): outputs not a multiple of 6 or 8, rows shorter than a
    // tile (W = 3 and 4: runs cross several rows), channels not a multiple of 8 or 16, groups, dilation, 1×1 kernels.
    [TestCase(2, 32, 14, 14, 64, 3, 3, 1, 1, 1, true)]
    [TestCase(2, 64, 14, 14, 32, 3, 3, 1, 1, 1, false)]
    [TestCase(3, 5, 7, 9, 11, 3, 3, 1, 1, 1, true)]
    [TestCase(1, 4, 3, 3, 20, 3, 3, 1, 1, 1, false)]
    [TestCase(2, 6, 4, 5, 12, 3, 2, 2, 2, 2, true)]
    [TestCase(2, 8, 6, 6, 24, 1, 1, 0, 1, 4, true)]
    [TestCase(1, 3, 10, 2, 17, 5, 1, 2, 1, 1, false)]
    public void Both_layouts_give_the_same_bits(int n, int c, int h, int w, int o, int kh, int kw, int pad, int dilation, int groups, bool withBias)
    {
        int oh = h + 2 * pad - dilation * (kh - 1), ow = w + 2 * pad - dilation * (kw - 1);
        var g = new Window2d(n, c, h, w, kh, kw, 1, 1, pad, pad, dilation, dilation, oh, ow);
        const int offset = 3; // storage offsets that are not vector-aligned
        float[] x = Values(offset + n * c * h * w, 1), weight = Values(offset + o * c / groups * kh * kw, 2);
        float[]? bias = withBias ? Values(offset + o, 3) : null;
        float[] Run(bool byOutputs)
        {
            var y = new float[offset + n * o * oh * ow];
            ImplicitConv2d.Forward(g, o, groups, x, offset, weight, offset, bias, offset, y, offset, byOutputs);
            return y;
        }
        float[] byChannels = Run(false), byOutputs = Run(true);
        Assert.That(byOutputs, Is.EqualTo(byChannels));
        Assert.That(byChannels.AsSpan(offset).ContainsAnyExcept(0f), Is.True, "the product is all zeros");
    }

    private static float[] Values(int length, ulong seed) => Tensor.RandomNormal([length], seed: seed).Span.ToArray();
}
