using System.Numerics.Tensors;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// Adaptive 2-D average pooling of NCHW planes to OH×OW, as PyTorch: output row oh averages input rows
/// [⌊oh·H/OH⌋, ⌈(oh + 1)·H/OH⌉) (columns likewise), so windows cover the input and may overlap by one.
/// Global pooling (1×1) is the mean of each plane.
/// </summary>
internal static class AdaptiveAvgPool2dKernel
{
    private static int Start(int o, int inSize, int outSize) => (int)((long)o * inSize / outSize);

    private static int End(int o, int inSize, int outSize) => (int)(((long)(o + 1) * inSize + outSize - 1) / outSize);

    /// <summary>y over all N·C planes of <paramref name="g"/> (whose H, W, OH, OW are used).</summary>
    public static void Forward(Window2d g, float[] x, int xOff, float[] y, int yOff)
    {
        int planes = g.N * g.C;
        ParallelRanges.Run(planes, (long)planes * g.HW, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                var xs = x.AsSpan(xOff + p * g.HW, g.HW);
                var ys = y.AsSpan(yOff + p * g.OHW, g.OHW);
                if (g.OHW == 1)
                {
                    ys[0] = TensorPrimitives.Sum(xs) / g.HW;
                    continue;
                }
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = Start(oh, g.H, g.OH), h1 = End(oh, g.H, g.OH);
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        int w0 = Start(ow, g.W, g.OW), w1 = End(ow, g.W, g.OW);
                        float sum = 0f;
                        for (int ih = h0; ih < h1; ih++) sum += TensorPrimitives.Sum(xs.Slice(ih * g.W + w0, w1 - w0));
                        ys[oh * g.OW + ow] = sum / ((h1 - h0) * (w1 - w0));
                    }
                }
            }
        });
    }

    /// <summary>dx (overwritten): each output's gradient divided by its window's size, added to every tap of the window.</summary>
    public static void Backward(Window2d g, float[] dy, int dyOff, float[] dx, int dxOff)
    {
        int planes = g.N * g.C;
        ParallelRanges.Run(planes, (long)planes * g.HW, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                var d = dx.AsSpan(dxOff + p * g.HW, g.HW);
                var gs = dy.AsSpan(dyOff + p * g.OHW, g.OHW);
                if (g.OHW == 1)
                {
                    d.Fill(gs[0] / g.HW);
                    continue;
                }
                d.Clear();
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = Start(oh, g.H, g.OH), h1 = End(oh, g.H, g.OH);
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        int w0 = Start(ow, g.W, g.OW), w1 = End(ow, g.W, g.OW);
                        float share = gs[oh * g.OW + ow] / ((h1 - h0) * (w1 - w0));
                        for (int ih = h0; ih < h1; ih++)
                        {
                            var row = d.Slice(ih * g.W + w0, w1 - w0);
                            TensorPrimitives.Add(row, share, row);
                        }
                    }
                }
            }
        });
    }
}
