namespace Regularize.Tensors.Kernels;

/// <summary>
/// 2-D average pooling of NCHW planes, as PyTorch's CPU kernel: the window of output (oh, ow) spans rows
/// [oh·StrideH − PadH, … + KH) clipped to H + PadH below (and columns likewise); its divisor is that span's size when
/// padding counts (<c>countIncludePad</c>), else the number of taps inside the input; the sum runs over the taps inside
/// the input. A window with no tap inside gives 0.
/// </summary>
internal static class AvgPool2dKernel
{
    private static (int H0, int H1, int W0, int W1, float Divisor) Window(in Window2d g, int oh, int ow, bool countIncludePad)
    {
        int h0 = oh * g.StrideH - g.PadH, w0 = ow * g.StrideW - g.PadW;
        int h1 = Math.Min(h0 + g.KH, g.H + g.PadH), w1 = Math.Min(w0 + g.KW, g.W + g.PadW);
        int poolSize = (h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, g.H);
        w1 = Math.Min(w1, g.W);
        int inside = Math.Max(0, h1 - h0) * Math.Max(0, w1 - w0);
        return (h0, h1, w0, w1, countIncludePad ? poolSize : inside);
    }

    /// <summary>y over all N·C planes.</summary>
    public static void Forward(Window2d g, bool countIncludePad, float[] x, int xOff, float[] y, int yOff)
    {
        int planes = g.N * g.C;
        ParallelRanges.Run(planes, (long)planes * g.OHW * g.Taps, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                var xs = x.AsSpan(xOff + p * g.HW, g.HW);
                var ys = y.AsSpan(yOff + p * g.OHW, g.OHW);
                for (int oh = 0; oh < g.OH; oh++)
                {
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        var (h0, h1, w0, w1, divisor) = Window(g, oh, ow, countIncludePad);
                        if (h0 >= h1 || w0 >= w1)
                        {
                            ys[oh * g.OW + ow] = 0f;
                            continue;
                        }
                        float sum = 0f;
                        for (int ih = h0; ih < h1; ih++)
                            for (int iw = w0; iw < w1; iw++) sum += xs[ih * g.W + iw];
                        ys[oh * g.OW + ow] = sum / divisor;
                    }
                }
            }
        });
    }

    /// <summary>dx (overwritten): each output's gradient divided by its divisor, added to every tap of its window inside the input.</summary>
    public static void Backward(Window2d g, bool countIncludePad, float[] dy, int dyOff, float[] dx, int dxOff)
    {
        int planes = g.N * g.C;
        ParallelRanges.Run(planes, (long)planes * g.OHW * g.Taps, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                var d = dx.AsSpan(dxOff + p * g.HW, g.HW);
                d.Clear();
                var gs = dy.AsSpan(dyOff + p * g.OHW, g.OHW);
                for (int oh = 0; oh < g.OH; oh++)
                {
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        var (h0, h1, w0, w1, divisor) = Window(g, oh, ow, countIncludePad);
                        if (h0 >= h1 || w0 >= w1) continue;
                        float share = gs[oh * g.OW + ow] / divisor;
                        for (int ih = h0; ih < h1; ih++)
                            for (int iw = w0; iw < w1; iw++) d[ih * g.W + iw] += share;
                    }
                }
            }
        });
    }
}
