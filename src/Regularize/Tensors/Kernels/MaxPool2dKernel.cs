using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// 2-D max pooling of NCHW planes, as PyTorch's CPU kernel: each output is the largest tap of its window that
/// lies inside the input (padding is never chosen), scanning rows then columns and replacing the running maximum only
/// when a tap is strictly greater or NaN, so ties go to the first tap in scan order and a NaN wins. The flat index
/// ih·W + iw of the chosen tap within its plane is kept for the backward pass.
/// </summary>
internal static class MaxPool2dKernel
{
    /// <summary>y and the chosen taps' indices (as int bits in a float array) over all N·C planes.</summary>
    public static void Forward(Window2d g, float[] x, int xOff, float[] y, int yOff, float[] indices, int iOff)
    {
        int planes = g.N * g.C;
        ParallelRanges.Run(planes, (long)planes * g.OHW * g.Taps, (g, x, xOff, y, yOff, indices, iOff), static (state, start, end) =>
        {
            var (g, x, xOff, y, yOff, indices, iOff) = state;
            int planes = g.N * g.C;
            var idx = MemoryMarshal.Cast<float, int>(indices.AsSpan(iOff, planes * g.OHW));
            for (int p = start; p < end; p++)
            {
                var xs = x.AsSpan(xOff + p * g.HW, g.HW);
                var ys = y.AsSpan(yOff + p * g.OHW, g.OHW);
                var ids = idx.Slice(p * g.OHW, g.OHW);
                if (g.KH == 2 && g.KW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 0 && g.PadW == 0 && g.DilationH == 1 && g.DilationW == 1)
                {
                    Plane2x2(g, xs, ys, ids);
                }
                else
                {
                    Plane(g, xs, ys, ids);
                }
            }
        });
    }

    private static void Plane(in Window2d g, ReadOnlySpan<float> x, Span<float> y, Span<int> idx)
    {
        for (int oh = 0; oh < g.OH; oh++)
        {
            int h0 = oh * g.StrideH - g.PadH;
            for (int ow = 0; ow < g.OW; ow++)
            {
                int w0 = ow * g.StrideW - g.PadW;
                float max = float.NegativeInfinity;
                int arg = -1;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = h0 + kh * g.DilationH;
                    if ((uint)ih >= (uint)g.H) continue;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = w0 + kw * g.DilationW;
                        if ((uint)iw >= (uint)g.W) continue;
                        int i = ih * g.W + iw;
                        float v = x[i];
                        if (arg < 0 || v > max || float.IsNaN(v))
                        {
                            max = v;
                            arg = i;
                        }
                    }
                }
                y[oh * g.OW + ow] = max;
                idx[oh * g.OW + ow] = arg;
            }
        }
    }

    /// <summary>The common 2×2, stride-2 window without padding: the same comparisons in the same order, unrolled.</summary>
    private static void Plane2x2(in Window2d g, ReadOnlySpan<float> x, Span<float> y, Span<int> idx)
    {
        int w = g.W;
        for (int oh = 0; oh < g.OH; oh++)
        {
            var r0 = x.Slice(2 * oh * w, w);
            var r1 = x.Slice((2 * oh + 1) * w, w);
            var yr = y.Slice(oh * g.OW, g.OW);
            var ir = idx.Slice(oh * g.OW, g.OW);
            int base0 = 2 * oh * w, base1 = base0 + w;
            int ow = 0;
            if (Avx2.IsSupported)
            {
                // Eight windows at once: de-interleave the even and odd columns of both rows, then the same three
                // compare-and-replace steps as below, tracking the chosen tap's offset (0, 1, W or W + 1).
                var lane = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
                var one = Vector256.Create(1);
                var down = Vector256.Create(w);
                var downRight = Vector256.Create(w + 1);
                for (; ow + 8 <= yr.Length && 2 * ow + 16 <= w; ow += 8)
                {
                    var (a, b) = Split(r0.Slice(2 * ow, 16));
                    var (c, d) = Split(r1.Slice(2 * ow, 16));
                    var max = a;
                    var offset = Vector256<int>.Zero;
                    var take = Vector256.GreaterThan(b, max) | ~Vector256.Equals(b, b);
                    max = Vector256.ConditionalSelect(take, b, max);
                    offset = Vector256.ConditionalSelect(take.AsInt32(), one, offset);
                    take = Vector256.GreaterThan(c, max) | ~Vector256.Equals(c, c);
                    max = Vector256.ConditionalSelect(take, c, max);
                    offset = Vector256.ConditionalSelect(take.AsInt32(), down, offset);
                    take = Vector256.GreaterThan(d, max) | ~Vector256.Equals(d, d);
                    max = Vector256.ConditionalSelect(take, d, max);
                    offset = Vector256.ConditionalSelect(take.AsInt32(), downRight, offset);
                    max.CopyTo(yr.Slice(ow, 8));
                    (Vector256.Create(base0 + 2 * ow) + lane + offset).CopyTo(ir.Slice(ow, 8));
                }
            }
            for (; ow < yr.Length; ow++)
            {
                int c = 2 * ow;
                float max = r0[c];
                int arg = base0 + c;
                float v = r0[c + 1];
                if (v > max || float.IsNaN(v)) { max = v; arg = base0 + c + 1; }
                v = r1[c];
                if (v > max || float.IsNaN(v)) { max = v; arg = base1 + c; }
                v = r1[c + 1];
                if (v > max || float.IsNaN(v)) { max = v; arg = base1 + c + 1; }
                yr[ow] = max;
                ir[ow] = arg;
            }
        }
    }

    /// <summary>The even and the odd elements of 16 consecutive floats, each in order.</summary>
    private static (Vector256<float> Even, Vector256<float> Odd) Split(ReadOnlySpan<float> sixteen)
    {
        var v0 = Vector256.Create(sixteen[..8]);
        var v1 = Vector256.Create(sixteen.Slice(8, 8));
        // Shuffle takes elements 0, 2 (or 1, 3) of each 128-bit half of both; the 64-bit permute puts the halves in order.
        var even = Avx2.Permute4x64(Avx.Shuffle(v0, v1, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        var odd = Avx2.Permute4x64(Avx.Shuffle(v0, v1, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    /// <summary>dx (overwritten) = dy scattered to the chosen taps, adding where windows overlap.</summary>
    public static void Backward(Window2d g, float[] dy, int dyOff, float[] indices, int iOff, float[] dx, int dxOff)
    {
        int planes = g.N * g.C;
        ParallelRanges.Run(planes, (long)planes * (g.HW + g.OHW), (g, dy, dyOff, indices, iOff, dx, dxOff), static (state, start, end) =>
        {
            var (g, dy, dyOff, indices, iOff, dx, dxOff) = state;
            int planes = g.N * g.C;
            var idx = MemoryMarshal.Cast<float, int>(indices.AsSpan(iOff, planes * g.OHW));
            for (int p = start; p < end; p++)
            {
                var d = dx.AsSpan(dxOff + p * g.HW, g.HW);
                d.Clear();
                var gs = dy.AsSpan(dyOff + p * g.OHW, g.OHW);
                var ids = idx.Slice(p * g.OHW, g.OHW);
                for (int o = 0; o < gs.Length; o++)
                {
                    if (ids[o] >= 0) d[ids[o]] += gs[o];
                }
            }
        });
    }
}
