namespace Regularize.Tensors.Kernels;

/// <summary>
/// Unfolds the patches of one image into the columns of a matrix, and folds such a matrix back (col2im). For
/// <c>channels</c> planes, <c>col</c> is a (channels·KH·KW) × (OH·OW) row-major matrix:
/// <c>col[(c·KH + kh)·KW + kw, oh·OW + ow] = x[c, ih, iw]</c> with ih, iw as in <see cref="Window2d"/>, or 0 where
/// the tap falls in the padding. A convolution is then the matrix product W·col.
/// </summary>
internal static class Im2Col
{
    /// <summary>Writes every element of <paramref name="col"/> from <paramref name="x"/> (channels × H × W).</summary>
    public static void Unfold(in Window2d g, ReadOnlySpan<float> x, int channels, Span<float> col)
    {
        int ohw = g.OHW, ow = g.OW;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            var plane = x.Slice(c * g.HW, g.HW);
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++, row++)
                {
                    var dst = col.Slice(row * ohw, ohw);
                    int iw0 = kw * g.DilationW - g.PadW;
                    // Columns ow whose tap lands inside the row: 0 ≤ ow·StrideW + iw0 < W.
                    int lo = iw0 >= 0 ? 0 : (-iw0 + g.StrideW - 1) / g.StrideW;
                    int hi = g.W - iw0 <= 0 ? 0 : Math.Min(ow, (g.W - iw0 - 1) / g.StrideW + 1);
                    if (hi < lo) hi = lo;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        var seg = dst.Slice(oh * ow, ow);
                        int ih = oh * g.StrideH - g.PadH + kh * g.DilationH;
                        if ((uint)ih >= (uint)g.H)
                        {
                            seg.Clear();
                            continue;
                        }
                        var src = plane.Slice(ih * g.W, g.W);
                        seg[..lo].Clear();
                        seg[hi..].Clear();
                        if (g.StrideW == 1)
                        {
                            src.Slice(lo + iw0, hi - lo).CopyTo(seg[lo..hi]);
                        }
                        else
                        {
                            for (int j = lo, iw = lo * g.StrideW + iw0; j < hi; j++, iw += g.StrideW) seg[j] = src[iw];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds every element of <paramref name="col"/> back to the input position it was unfolded from (the adjoint of <see cref="Unfold"/>).</summary>
    public static void FoldAdd(in Window2d g, ReadOnlySpan<float> col, int channels, Span<float> x)
    {
        int ohw = g.OHW, ow = g.OW;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            var plane = x.Slice(c * g.HW, g.HW);
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++, row++)
                {
                    var src = col.Slice(row * ohw, ohw);
                    int iw0 = kw * g.DilationW - g.PadW;
                    int lo = iw0 >= 0 ? 0 : (-iw0 + g.StrideW - 1) / g.StrideW;
                    int hi = g.W - iw0 <= 0 ? 0 : Math.Min(ow, (g.W - iw0 - 1) / g.StrideW + 1);
                    if (hi <= lo) continue;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadH + kh * g.DilationH;
                        if ((uint)ih >= (uint)g.H) continue;
                        var dst = plane.Slice(ih * g.W, g.W);
                        var seg = src.Slice(oh * ow, ow);
                        if (g.StrideW == 1)
                        {
                            var d = dst.Slice(lo + iw0, hi - lo);
                            System.Numerics.Tensors.TensorPrimitives.Add(d, seg[lo..hi], d);
                        }
                        else
                        {
                            for (int j = lo, iw = lo * g.StrideW + iw0; j < hi; j++, iw += g.StrideW) dst[iw] += seg[j];
                        }
                    }
                }
            }
        }
    }
}
