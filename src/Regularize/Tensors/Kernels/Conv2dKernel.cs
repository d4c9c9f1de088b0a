using System.Numerics.Tensors;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch) of NCHW float32 tensors on the packed <see cref="Gemm"/>. For
/// each image and group g, with the image's patches unfolded into col (<see cref="Im2Col"/>, K = C/G·KH·KW rows,
/// OH·OW columns) and the group's weight W_g viewed as an (O/G) × K matrix:
/// <list type="bullet">
/// <item>forward: Y_g = W_g·col + b (the bias fills Y first and the product adds to it);</item>
/// <item>input gradient: dcol = W_gᵀ·dY_g, folded back into dX (col2im);</item>
/// <item>weight gradient: dW_g = Σₙ dY_g·colᵀ over the images.</item>
/// </list>
/// </summary>
/// <remarks>
/// Threads take whole images (forward, input gradient) or fixed chunks of images (weight gradient, whose partial sums
/// are then added in chunk order), and each product inside runs on one thread, so the result does not depend on the
/// thread count. A batch smaller than the thread count runs image by image with a multi-threaded product instead,
/// which is deterministic too. The unfolded patches of one image live in a per-thread buffer that is reused, so no
/// full im2col matrix of the batch is ever made and a steady-state step allocates no large arrays.
/// </remarks>
internal static class Conv2dKernel
{
    /// <summary>The weight gradient's partial sums: the batch is cut into at most this many chunks of consecutive images, whatever the thread count.</summary>
    public const int WeightChunks = 8;

    [ThreadStatic]
    private static float[]? t_col;

    [ThreadStatic]
    private static float[]? t_dcol;

    private static Span<float> Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(length);
        return buffer.AsSpan(0, length);
    }

    /// <summary>Threads for work on <paramref name="items"/> independent pieces of <paramref name="multiplyAdds"/> in total.</summary>
    internal static int Threads(int items, long multiplyAdds)
    {
        int max = ThreadLimit.Current;
        int threads = max == -1 ? Environment.ProcessorCount : max;
        if (multiplyAdds < Gemm.ParallelThreshold) return 1;
        return Math.Max(1, Math.Min(threads, items));
    }

    [ThreadStatic]
    private static float[]? t_flipped;

    /// <summary>Y = conv(X, W) + b over the whole batch (stride 1 through <see cref="ImplicitConv2d"/>).</summary>
    public static void Forward(Window2d g, int outChannels, int groups, float[] x, int xOff, float[] w, int wOff,
        float[]? bias, int biasOff, float[] y, int yOff)
    {
        if (ImplicitConv2d.Applies(g)) ImplicitConv2d.Forward(g, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff);
        else ExplicitForward(g, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff);
    }

    private static void ExplicitForward(Window2d g, int outChannels, int groups, float[] x, int xOff, float[] w, int wOff,
        float[]? bias, int biasOff, float[] y, int yOff)
    {
        int cg = g.C / groups, og = outChannels / groups, k = cg * g.Taps, ohw = g.OHW;
        long work = (long)g.N * outChannels * ohw * k;
        int threads = Threads(g.N, work);
        int gemmThreads = threads == 1 ? ThreadLimit.Current : 1;
        void Image(int n)
        {
            var col = Buffer(ref t_col, k * ohw);
            for (int gi = 0; gi < groups; gi++)
            {
                var xs = x.AsSpan(xOff + (n * g.C + gi * cg) * g.HW, cg * g.HW);
                var ys = y.AsSpan(yOff + (n * outChannels + gi * og) * ohw, og * ohw);
                Im2Col.Unfold(g, xs, cg, col);
                float beta = 0f;
                if (bias is not null)
                {
                    for (int o = 0; o < og; o++) ys.Slice(o * ohw, ohw).Fill(bias[biasOff + gi * og + o]);
                    beta = 1f;
                }
                Gemm.Multiply(false, false, og, ohw, k, w.AsSpan(wOff + gi * og * k, og * k), k, col, ohw, ys, ohw,
                    beta, maxDegreeOfParallelism: gemmThreads);
            }
        }
        if (threads > 1 && g.N > 1) Parallel.For(0, g.N, new ParallelOptions { MaxDegreeOfParallelism = threads }, Image);
        else for (int n = 0; n < g.N; n++) Image(n);
    }

    /// <summary>Floats of scratch <see cref="Backward"/> needs in <c>partials</c> for the weight gradient.</summary>
    public static int PartialLength(in Window2d g, int outChannels, int groups)
    {
        int chunks = Math.Min(g.N, WeightChunks);
        return ImplicitConv2d.Applies(g)
            ? ImplicitConv2d.PartialLength(g, outChannels, groups, chunks)
            : chunks * outChannels * (g.C / groups) * g.Taps;
    }

    /// <summary>
    /// The gradients of the loss with respect to X (into <paramref name="dx"/>, overwritten, when not null) and W (into
    /// <paramref name="dw"/>, overwritten, when not null), from dY. <paramref name="partials"/> holds
    /// <see cref="PartialLength"/> floats of scratch for the weight gradient's chunk sums. Stride-1 convolutions run
    /// both through <see cref="ImplicitConv2d"/> (the input gradient as the convolution of dY with the flipped weight).
    /// </summary>
    public static void Backward(Window2d g, int outChannels, int groups, float[] x, int xOff, float[] w, int wOff,
        float[] dy, int dyOff, float[]? dx, int dxOff, float[]? dw, int dwOff, float[]? partials)
    {
        if (dw is not null && ImplicitConv2d.Applies(g))
        {
            ImplicitConv2d.WeightGradient(g, outChannels, groups, Math.Min(g.N, WeightChunks), x, xOff, dy, dyOff, dw, dwOff, partials!);
            dw = null;
        }
        if (dx is not null && ImplicitConv2d.InputGradientGeometry(g, outChannels) is Window2d transposed)
        {
            int length = outChannels * (g.C / groups) * g.Taps;
            if (t_flipped is null || t_flipped.Length < length) t_flipped = new float[length];
            ImplicitConv2d.FlipWeight(outChannels, g.C, groups, g.KH, g.KW, w.AsSpan(wOff, length), t_flipped);
            ImplicitConv2d.Forward(transposed, g.C, groups, dy, dyOff, t_flipped, 0, null, 0, dx, dxOff);
            dx = null;
        }
        if (dx is null && dw is null) return;
        ExplicitBackward(g, outChannels, groups, x, xOff, w, wOff, dy, dyOff, dx, dxOff, dw, dwOff, partials);
    }

    private static void ExplicitBackward(Window2d g, int outChannels, int groups, float[] x, int xOff, float[] w, int wOff,
        float[] dy, int dyOff, float[]? dx, int dxOff, float[]? dw, int dwOff, float[]? partials)
    {
        int cg = g.C / groups, og = outChannels / groups, k = cg * g.Taps, ohw = g.OHW;
        int wLength = outChannels * k;
        int chunks = Math.Min(g.N, WeightChunks);
        long work = (long)g.N * outChannels * ohw * k * ((dx is null ? 0 : 1) + (dw is null ? 0 : 1));
        int threads = Threads(chunks, work);
        int gemmThreads = threads == 1 ? ThreadLimit.Current : 1;
        void Chunk(int part)
        {
            int first = (int)((long)g.N * part / chunks), last = (int)((long)g.N * (part + 1) / chunks);
            var col = dw is null ? default : Buffer(ref t_col, k * ohw);
            var dcol = dx is null ? default : Buffer(ref t_dcol, k * ohw);
            for (int n = first; n < last; n++)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    var dys = dy.AsSpan(dyOff + (n * outChannels + gi * og) * ohw, og * ohw);
                    var wg = w.AsSpan(wOff + gi * og * k, og * k);
                    if (dw is not null)
                    {
                        var xs = x.AsSpan(xOff + (n * g.C + gi * cg) * g.HW, cg * g.HW);
                        Im2Col.Unfold(g, xs, cg, col);
                        // dW_g (+)= dY_g · colᵀ, into this chunk's partial sum.
                        var part0 = partials.AsSpan(part * wLength + gi * og * k, og * k);
                        Gemm.Multiply(false, true, og, k, ohw, dys, ohw, col, ohw, part0, k,
                            beta: n == first ? 0f : 1f, maxDegreeOfParallelism: gemmThreads);
                    }
                    if (dx is not null)
                    {
                        // dcol = W_gᵀ · dY_g, folded back into this image's planes of dX.
                        Gemm.Multiply(true, false, k, ohw, og, wg, k, dys, ohw, dcol, ohw, maxDegreeOfParallelism: gemmThreads);
                        var dxs = dx.AsSpan(dxOff + (n * g.C + gi * cg) * g.HW, cg * g.HW);
                        dxs.Clear();
                        Im2Col.FoldAdd(g, dcol, cg, dxs);
                    }
                }
            }
        }
        if (threads > 1) Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Chunk);
        else for (int c = 0; c < chunks; c++) Chunk(c);

        if (dw is not null)
        {
            // Fixed order: chunk 0, then + chunk 1, … whatever thread computed each.
            var d = dw.AsSpan(dwOff, wLength);
            partials.AsSpan(0, wLength).CopyTo(d);
            for (int c = 1; c < chunks; c++) TensorPrimitives.Add(d, partials.AsSpan(c * wLength, wLength), d);
        }
    }
}
