using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// Stride-1 convolution as an implicit GEMM: the image patches are packed straight into the GEMM's B panels, so no
/// im2col matrix is made. Each image (one group's channels) is copied once into a zero-padded buffer of Hp×Wp planes,
/// Hp = OH + dh·(KH − 1), Wp = OW + dw·(KW − 1). In that buffer the tap p = (c, kh, kw) of output (oh, ow) sits at
/// q + t_p with q = oh·Wp + ow and t_p = c·Hp·Wp + kh·dh·Wp + kw·dw, so for NR consecutive virtual outputs q the
/// values of one tap are NR consecutive floats: a B panel row is one contiguous copy. The product runs over the
/// OH·Wp virtual outputs (the Wp − OW extra columns of each row are computed and dropped).
/// </summary>
/// <remarks>
/// <para>Forward: Y_g = W_g·B (W_g packed once per call and shared by the threads). Weight gradient:
/// dW_g = dY_g·Bᵀ, where dY_g is laid out on the virtual outputs with zeros in the extra columns, and the B panels
/// (NR taps × the outputs) are packed by 8×8 register transposes of NR contiguous streams. The input gradient of a
/// stride-1 convolution is itself a stride-1 convolution of dY with the flipped, transposed weight, padded by
/// d·(k − 1) − p, and runs through <see cref="Forward"/>.</para>
/// <para>Work is split over images (forward) or fixed chunks of images (weight gradient, summed in chunk order), and
/// every tile is computed by one thread over the whole reduction in a fixed order, so the bits do not depend on the
/// thread count. The padded image, output tile block and packed panels live in per-thread pinned buffers.</para>
/// </remarks>
internal static unsafe class ImplicitConv2d
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;

    [ThreadStatic] private static float[]? t_padded;
    [ThreadStatic] private static float[]? t_block;
    [ThreadStatic] private static float[]? t_packB;
    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packW;
    [ThreadStatic] private static float[]? t_dy;
    [ThreadStatic] private static int[]? t_taps;

    /// <summary>Whether the implicit path computes this convolution (stride 1).</summary>
    public static bool Applies(in Window2d g) => g.StrideH == 1 && g.StrideW == 1;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The depth of the blocks a reduction of length <paramref name="k"/> is cut into: at most KC, all but the last equal.</summary>
    private static int EvenBlock(int k)
    {
        int blocks = (k + Gemm.KC - 1) / Gemm.KC;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>A 64-byte-aligned pointer into this thread's pinned buffer of at least <paramref name="length"/> floats.</summary>
    private static float* Pinned(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length + 16)
        {
            buffer = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }

    private readonly record struct Layout(int Cg, int Hp, int Wp, int PaddedLength, int Nv, int K);

    private static Layout LayoutOf(in Window2d g, int groups)
    {
        int cg = g.C / groups;
        int hp = g.OH + g.DilationH * (g.KH - 1), wp = g.OW + g.DilationW * (g.KW - 1);
        // The last panel reads up to NR − 1 virtual outputs past OH·Wp (the one-channel loops up to 31), and the last
        // tap's row ends (KW − 1)·dw past the planes: a zero tail covers both (and the 8-wide transposes).
        int length = cg * hp * wp + g.DilationW * (g.KW - 1) + NR + 32;
        return new Layout(cg, hp, wp, length, g.OH * wp, cg * g.Taps);
    }

    private static int* Taps(in Window2d g, in Layout l)
    {
        var taps = t_taps;
        if (taps is null || taps.Length < l.K) t_taps = taps = GC.AllocateUninitializedArray<int>(Math.Max(l.K, 64), pinned: true);
        int p = 0;
        for (int c = 0; c < l.Cg; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++) taps[p++] = c * l.Hp * l.Wp + kh * g.DilationH * l.Wp + kw * g.DilationW;
        return (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(taps));
    }

    /// <summary>Copies one group's channels of an image into the zero-padded planes, at row PadH and column PadW.</summary>
    private static void Pad(in Window2d g, in Layout l, float* x, float* dst)
    {
        new Span<float>(dst, l.PaddedLength).Clear();
        int rows = Math.Min(g.H, l.Hp - g.PadH), cols = Math.Min(g.W, l.Wp - g.PadW);
        if (rows <= 0 || cols <= 0) return;
        for (int c = 0; c < l.Cg; c++)
        {
            float* src = x + c * g.HW;
            float* d = dst + c * l.Hp * l.Wp + g.PadH * l.Wp + g.PadW;
            for (int ih = 0; ih < rows; ih++) Unsafe.CopyBlockUnaligned(d + ih * l.Wp, src + ih * g.W, (uint)(cols * sizeof(float)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        if (Gemm.IsAccelerated) GemmMicroKernel.Avx2(kc, a, b, c, ldc, beta);
        else GemmMicroKernel.Portable(kc, a, b, c, ldc, beta);
    }

    /// <summary>
    /// Y = conv(X, W) (+ b) for a stride-1 geometry; arguments as <see cref="Conv2dKernel.Forward"/>, and byOutputs:
    /// tiles whose rows are outputs (<see cref="ForwardByOutputs"/>) or output channels, null to choose by cost.
    /// The bits are the same either way.
    /// </summary>
    public static void Forward(Window2d g, int outChannels, int groups, float[] x, int xOff, float[] w, int wOff,
        float[]? bias, int biasOff, float[] y, int yOff, bool? byOutputs = null)
    {
        var l = LayoutOf(g, groups);
        if (l.Cg == 1)
        {
            ForwardOneChannel(g, l, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff);
            return;
        }
        int og = outChannels / groups, ogR = RoundUp(og, MR), nvR = RoundUp(l.Nv, NR), k = l.K;
        // Cost per reduction step, in micro-kernel steps (6 per tile) plus vector copies of packing: rows of channels
        // pack each 16-output B panel once (2 copies) for ⌈og/MR⌉ tiles; rows of outputs pack each 6-output A panel
        // (1 copy, 2 when it crosses a row: about 1.5; with AVX2 no copy but a tap load per step instead) for ⌈og/NR⌉
        // tiles, over the real outputs only.
        double channelRows = nvR / NR * (ogR / MR * 6 + 2.0), outputRows = RoundUp(g.OHW, MR) / MR * (RoundUp(og, NR) / NR * 6 + 1.5);
        if (byOutputs ?? outputRows < channelRows) ForwardByOutputs(g, l, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff);
        else ForwardByChannels(g, l, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff);
    }

    /// <summary>The forward product with tiles whose MR rows are output channels and NR columns virtual outputs.</summary>
    private static void ForwardByChannels(Window2d g, Layout l, int outChannels, int groups, float[] x, int xOff,
        float[] w, int wOff, float[]? bias, int biasOff, float[] y, int yOff)
    {
        int og = outChannels / groups, ogR = RoundUp(og, MR), nvR = RoundUp(l.Nv, NR), k = l.K;
        // W_g packed once into MR-row panels per block of depth at most KC, the blocks as even as possible (576 is
        // 288 + 288, not 512 + 64: each block costs a pass over the output tiles). Block [pc, pc + kc) of group gi
        // starts at gi·ogR·K + ogR·pc.
        int kBlock = EvenBlock(k);
        float* packW = Pinned(ref t_packW, groups * ogR * k);
        fixed (float* pw = w)
        {
            for (int gi = 0; gi < groups; gi++)
                for (int pc = 0; pc < k; pc += kBlock)
                    GemmPacking.PackA(false, pw + wOff + gi * og * k + pc, k, og, Math.Min(kBlock, k - pc), packW + gi * ogR * k + ogR * pc);
        }
        long work = (long)g.N * outChannels * g.OHW * k;
        int threads = Conv2dKernel.Threads(g.N, work);
        nint packed = (nint)packW;
        ParallelRanges.Each(g.N, threads, (g, l, outChannels, groups, x, xOff, bias, biasOff, y, yOff, packed), static (state, n) =>
        {
            var (g, l, outChannels, groups, x, xOff, bias, biasOff, y, yOff, packed) = state;
            int og = outChannels / groups, ogR = RoundUp(og, MR), nvR = RoundUp(l.Nv, NR), k = l.K, kBlock = EvenBlock(k);
            float* padded = Pinned(ref t_padded, l.PaddedLength);
            float* block = Pinned(ref t_block, ogR * nvR);
            float* packB = Pinned(ref t_packB, Gemm.KC * NR);
            int* taps = Taps(g, l);
            fixed (float* px = x, py = y)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    Pad(g, l, px + xOff + (n * g.C + gi * l.Cg) * g.HW, padded);
                    float* wg = (float*)packed + gi * ogR * k;
                    for (int pc = 0; pc < k; pc += kBlock)
                    {
                        int kc = Math.Min(kBlock, k - pc);
                        for (int jr = 0; jr < nvR; jr += NR)
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                Unsafe.CopyBlockUnaligned(packB + p * NR, padded + jr + taps[pc + p], NR * sizeof(float));
                            }
                            for (int ir = 0; ir < ogR; ir += MR)
                            {
                                Tile(kc, wg + ogR * pc + ir * kc, packB, block + ir * nvR + jr, nvR, pc == 0 ? 0f : 1f);
                            }
                        }
                    }
                    // Keep the OW real columns of each virtual row, adding the bias.
                    for (int o = 0; o < og; o++)
                    {
                        float b = bias is null ? 0f : bias[biasOff + gi * og + o];
                        float* dst = py + yOff + (nint)(n * outChannels + gi * og + o) * g.OHW;
                        float* src = block + o * nvR;
                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            var s = new ReadOnlySpan<float>(src + oh * l.Wp, g.OW);
                            var d = new Span<float>(dst + oh * g.OW, g.OW);
                            if (bias is null) s.CopyTo(d);
                            else System.Numerics.Tensors.TensorPrimitives.Add(s, b, d);
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// The forward product with the roles of the GEMM swapped, Y_gᵀ = Pᵀ·W_gᵀ: the tiles' MR rows are real outputs
    /// (no extra columns computed) and their NR columns output channels, so a layer with a multiple of NR output
    /// channels pads nothing on that side. With AVX2 the tile reads its rows' values of tap p straight from the
    /// padded planes at q_i + t_p (<see cref="TileByTaps"/>), q_i the base offset of output i: no A panel is packed.
    /// Otherwise an A panel packs, for each tap p, the MR values P[q_i + t_p]: one 8-float copy per run of outputs
    /// that are consecutive in a row (the copies overlap forwards, later ones overwriting the excess). The output
    /// block (outputs × channels) is transposed into Y by 8×8 register transposes. Each output is still
    /// Σ_p w_p·P[q + t_p] summed in p order over the same blocks of depth, so the bits equal those of the channel-row
    /// layout.
    /// </summary>
    private static void ForwardByOutputs(Window2d g, Layout l, int outChannels, int groups, float[] x, int xOff,
        float[] w, int wOff, float[]? bias, int biasOff, float[] y, int yOff)
    {
        int og = outChannels / groups, ogRN = RoundUp(og, NR), k = l.K, ohw = g.OHW, rows = RoundUp(ohw, MR);
        // W_gᵀ packed once into NR-column panels per block of depth; block [pc, pc + kc) of group gi starts at
        // gi·ogRN·K + ogRN·pc, its panel jr at + jr·kc.
        int kBlock = EvenBlock(k);
        float* packW = Pinned(ref t_packW, groups * ogRN * k);
        fixed (float* pw = w)
        {
            for (int gi = 0; gi < groups; gi++)
                for (int pc = 0; pc < k; pc += kBlock)
                    GemmPacking.PackB(true, pw + wOff + gi * og * k + pc, k, Math.Min(kBlock, k - pc), og, packW + gi * ogRN * k + ogRN * pc);
        }
        long work = (long)g.N * outChannels * ohw * k;
        int threads = Conv2dKernel.Threads(g.N, work);
        nint packed = (nint)packW;
        bool direct = Gemm.IsAccelerated;
        ParallelRanges.Each(g.N, threads, (g, l, outChannels, groups, x, xOff, bias, biasOff, y, yOff, packed, direct), static (state, n) =>
        {
            var (g, l, outChannels, groups, x, xOff, bias, biasOff, y, yOff, packed, direct) = state;
            int og = outChannels / groups, ogRN = RoundUp(og, NR), k = l.K, ohw = g.OHW, rows = RoundUp(ohw, MR), kBlock = EvenBlock(k);
            float* padded = Pinned(ref t_padded, l.PaddedLength);
            float* block = Pinned(ref t_block, rows * ogRN);
            float* packA = Pinned(ref t_packA, kBlock * MR + 8);
            int* taps = Taps(g, l);
            // A run of consecutive outputs of one panel: its first row in the panel and its base offset.
            int* runStart = stackalloc int[MR];
            int* runOffset = stackalloc int[MR];
            float** rowBase = stackalloc float*[MR];
            fixed (float* px = x, py = y)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    Pad(g, l, px + xOff + (n * g.C + gi * l.Cg) * g.HW, padded);
                    float* wg = (float*)packed + gi * ogRN * k;
                    for (int ir = 0; ir < rows; ir += MR)
                    {
                        // Rows past the last output continue its run; they are computed and never read.
                        int runs = 0;
                        for (int i = 0; i < MR; i++)
                        {
                            int r = ir + i;
                            int q = r < ohw ? r / g.OW * l.Wp + r % g.OW : (ohw - 1) / g.OW * l.Wp + (ohw - 1) % g.OW + r - ohw + 1;
                            if (runs == 0 || q != runOffset[runs - 1] + (i - runStart[runs - 1]))
                            {
                                runStart[runs] = i;
                                runOffset[runs++] = q;
                            }
                        }
                        if (direct)
                        {
                            for (int i = 0; i < MR; i++)
                            {
                                int run = 0;
                                while (run + 1 < runs && runStart[run + 1] <= i) run++;
                                rowBase[i] = padded + runOffset[run] + (i - runStart[run]);
                            }
                        }
                        for (int pc = 0; pc < k; pc += kBlock)
                        {
                            int kc = Math.Min(kBlock, k - pc);
                            int* tp = taps + pc;
                            if (direct)
                            {
                                for (int jr = 0; jr < ogRN; jr += NR)
                                {
                                    TileByTaps(kc, rowBase, tp, wg + ogRN * pc + jr * kc, block + ir * ogRN + jr, ogRN, pc == 0 ? 0f : 1f);
                                }
                                continue;
                            }
                            if (runs == 1)
                            {
                                float* src = padded + runOffset[0];
                                for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(packA + p * MR, src + tp[p], 8 * sizeof(float));
                            }
                            else
                            {
                                for (int p = 0; p < kc; p++)
                                {
                                    for (int run = 0; run < runs; run++)
                                    {
                                        Unsafe.CopyBlockUnaligned(packA + p * MR + runStart[run], padded + runOffset[run] + tp[p], 8 * sizeof(float));
                                    }
                                }
                            }
                            for (int jr = 0; jr < ogRN; jr += NR)
                            {
                                Tile(kc, packA, wg + ogRN * pc + jr * kc, block + ir * ogRN + jr, ogRN, pc == 0 ? 0f : 1f);
                            }
                        }
                    }
                    // Y[o, r] = block[r, o] (+ b[o]).
                    float* yg = py + yOff + (nint)(n * outChannels + gi * og) * ohw;
                    int o0 = 0;
                    if (Avx.IsSupported)
                    {
                        for (; o0 + 8 <= og; o0 += 8)
                        {
                            var b = Vector256<float>.Zero;
                            if (bias is not null) b = Vector256.Create(new ReadOnlySpan<float>(bias, biasOff + gi * og + o0, 8));
                            int r0 = 0;
                            for (; r0 + 8 <= ohw; r0 += 8)
                            {
                                float* s = block + r0 * ogRN + o0;
                                if (bias is null)
                                {
                                    GemmPacking.Transpose8x8(
                                        Avx.LoadVector256(s), Avx.LoadVector256(s + ogRN), Avx.LoadVector256(s + 2 * ogRN), Avx.LoadVector256(s + 3 * ogRN),
                                        Avx.LoadVector256(s + 4 * ogRN), Avx.LoadVector256(s + 5 * ogRN), Avx.LoadVector256(s + 6 * ogRN), Avx.LoadVector256(s + 7 * ogRN),
                                        yg + o0 * ohw + r0, ohw);
                                }
                                else
                                {
                                    GemmPacking.Transpose8x8(
                                        Avx.LoadVector256(s) + b, Avx.LoadVector256(s + ogRN) + b, Avx.LoadVector256(s + 2 * ogRN) + b, Avx.LoadVector256(s + 3 * ogRN) + b,
                                        Avx.LoadVector256(s + 4 * ogRN) + b, Avx.LoadVector256(s + 5 * ogRN) + b, Avx.LoadVector256(s + 6 * ogRN) + b, Avx.LoadVector256(s + 7 * ogRN) + b,
                                        yg + o0 * ohw + r0, ohw);
                                }
                            }
                            Untranspose(block, ogRN, yg, ohw, o0, o0 + 8, r0, ohw, bias, biasOff + gi * og);
                        }
                    }
                    Untranspose(block, ogRN, yg, ohw, o0, og, 0, ohw, bias, biasOff + gi * og);
                }
            }
        });
    }

    /// <summary>
    /// The AVX2 micro-kernel of <see cref="ForwardByOutputs"/> without an A panel: row i of the tile reads its value
    /// of tap p straight from the padded planes at <c>rows[i] + taps[p]</c>. Otherwise as
    /// <see cref="GemmMicroKernel.Avx2"/>, with the same arithmetic: C[i, j] = Σₚ rows[i][taps[p]]·b[p·NR + j] in p
    /// order, then C = fma(beta, C, sum), or C = sum when beta is 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileByTaps(int kc, float** rows, int* taps, float* b, float* c, nint ldc, float beta)
    {
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            nint t = taps[p];
            Vector256<float> b0 = Avx.LoadVector256(b);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> ai = Avx.BroadcastScalarToVector256(r0 + t);
            c00 = Fma.MultiplyAdd(ai, b0, c00);
            c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(r1 + t);
            c10 = Fma.MultiplyAdd(ai, b0, c10);
            c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(r2 + t);
            c20 = Fma.MultiplyAdd(ai, b0, c20);
            c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(r3 + t);
            c30 = Fma.MultiplyAdd(ai, b0, c30);
            c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(r4 + t);
            c40 = Fma.MultiplyAdd(ai, b0, c40);
            c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(r5 + t);
            c50 = Fma.MultiplyAdd(ai, b0, c50);
            c51 = Fma.MultiplyAdd(ai, b1, c51);
            b += NR;
        }
        bool add = beta != 0f;
        Vector256<float> vb = Vector256.Create(beta);
        Store(c, c00, vb);
        Store(c + 8, c01, vb);
        Store(c + ldc, c10, vb);
        Store(c + ldc + 8, c11, vb);
        Store(c + 2 * ldc, c20, vb);
        Store(c + 2 * ldc + 8, c21, vb);
        Store(c + 3 * ldc, c30, vb);
        Store(c + 3 * ldc + 8, c31, vb);
        Store(c + 4 * ldc, c40, vb);
        Store(c + 4 * ldc + 8, c41, vb);
        Store(c + 5 * ldc, c50, vb);
        Store(c + 5 * ldc + 8, c51, vb);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Store(float* c, Vector256<float> sum, Vector256<float> beta)
        {
            Avx.Store(c, add ? Fma.MultiplyAdd(beta, Avx.LoadVector256(c), sum) : sum);
        }
    }

    /// <summary>y[o·ohw + r] = block[r·ld + o] (+ bias[biasOff + o]) for o in [o0, o1), r in [r0, r1).</summary>
    private static void Untranspose(float* block, int ld, float* y, int ohw, int o0, int o1, int r0, int r1, float[]? bias, int biasOff)
    {
        for (int o = o0; o < o1; o++)
        {
            float* d = y + (nint)o * ohw;
            if (bias is null) for (int r = r0; r < r1; r++) d[r] = block[r * ld + o];
            else
            {
                float b = bias[biasOff + o];
                for (int r = r0; r < r1; r++) d[r] = block[r * ld + o] + b;
            }
        }
    }

    /// <summary>Floats of scratch the weight gradient needs for <paramref name="chunks"/> partial sums.</summary>
    public static int PartialLength(in Window2d g, int outChannels, int groups, int chunks)
    {
        int og = outChannels / groups, k = g.C / groups * g.Taps;
        return chunks * groups * RoundUp(og, MR) * RoundUp(k, NR);
    }

    /// <summary>
    /// dW (overwritten) = Σₙ dY_n·B_nᵀ per group for a stride-1 geometry, with the batch cut into
    /// <paramref name="chunks"/> chunks of consecutive images whose partial sums (in <paramref name="partials"/>, at least
    /// <see cref="PartialLength"/> floats) are added in chunk order.
    /// </summary>
    public static void WeightGradient(Window2d g, int outChannels, int groups, int chunks, float[] x, int xOff,
        float[] dy, int dyOff, float[] dw, int dwOff, float[] partials)
    {
        var l = LayoutOf(g, groups);
        int og = outChannels / groups, ogR = RoundUp(og, MR), k = l.K, kR = RoundUp(k, NR);
        int groupBlock = ogR * kR, chunkBlock = groups * groupBlock;
        long work = (long)g.N * outChannels * g.OHW * k;
        int threads = Conv2dKernel.Threads(chunks, work);
        ParallelRanges.Each(chunks, threads, (g, l, outChannels, groups, chunks, x, xOff, dy, dyOff, partials), static (state, part) =>
        {
            var (g, l, outChannels, groups, chunks, x, xOff, dy, dyOff, partials) = state;
            int og = outChannels / groups, ogR = RoundUp(og, MR), k = l.K, kR = RoundUp(k, NR), nv = l.Nv;
            int groupBlock = ogR * kR, chunkBlock = groups * groupBlock, kBlock = EvenBlock(nv);
            if (l.Cg == 1)
            {
                WeightGradientOneChannel(g, l, outChannels, groups, chunks, part, x, xOff, dy, dyOff, partials, groupBlock, chunkBlock, kR);
                return;
            }
            int first = (int)((long)g.N * part / chunks), last = (int)((long)g.N * (part + 1) / chunks);
            float* padded = Pinned(ref t_padded, l.PaddedLength);
            float* dyv = Pinned(ref t_dy, og * nv);
            float* packA = Pinned(ref t_packA, ogR * Gemm.KC);
            float* packB = Pinned(ref t_packB, Gemm.KC * NR);
            int* taps = Taps(g, l);
            float** streams = stackalloc float*[NR];
            fixed (float* px = x, pdy = dy, pp = partials)
            {
                for (int n = first; n < last; n++)
                {
                    for (int gi = 0; gi < groups; gi++)
                    {
                        Pad(g, l, px + xOff + (n * g.C + gi * l.Cg) * g.HW, padded);
                        // dY_g on the virtual outputs: OW values then Wp − OW zeros per row.
                        for (int o = 0; o < og; o++)
                        {
                            float* src = pdy + dyOff + (nint)(n * outChannels + gi * og + o) * g.OHW;
                            float* dst = dyv + o * nv;
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                Unsafe.CopyBlockUnaligned(dst + oh * l.Wp, src + oh * g.OW, (uint)(g.OW * sizeof(float)));
                                new Span<float>(dst + oh * l.Wp + g.OW, l.Wp - g.OW).Clear();
                            }
                        }
                        float* c = pp + part * chunkBlock + gi * groupBlock;
                        for (int pc = 0; pc < nv; pc += kBlock)
                        {
                            int kc = Math.Min(kBlock, nv - pc);
                            GemmPacking.PackA(false, dyv + pc, nv, og, kc, packA);
                            float beta = n == first && pc == 0 ? 0f : 1f;
                            for (int jr = 0; jr < kR; jr += NR)
                            {
                                // Taps past K repeat the last one: their columns of the partial sum are never read.
                                for (int j = 0; j < NR; j++) streams[j] = padded + taps[Math.Min(jr + j, k - 1)] + pc;
                                PackStreams(streams, kc, packB);
                                for (int ir = 0; ir < ogR; ir += MR)
                                {
                                    Tile(kc, packA + ir * kc, packB, c + ir * kR + jr, kR, beta);
                                }
                            }
                        }
                    }
                }
            }
        });

        // dW[gi·og + o, p] = Σ over chunks in order.
        for (int gi = 0; gi < groups; gi++)
        {
            for (int o = 0; o < og; o++)
            {
                var d = dw.AsSpan(dwOff + (gi * og + o) * k, k);
                partials.AsSpan(gi * groupBlock + o * kR, k).CopyTo(d);
                for (int part = 1; part < chunks; part++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(d, partials.AsSpan(part * chunkBlock + gi * groupBlock + o * kR, k), d);
                }
            }
        }
    }

    /// <summary>
    /// One input channel per group (the first layer of an image network, depthwise convolutions): a direct SIMD loop
    /// per output channel over the virtual outputs of the padded plane, 32 at a time, y_v[q] = b + Σ_p w_p·P[q + t_p],
    /// with the taps' weights broadcast once per 32 outputs; then the OW real columns of each row are kept. A GEMM
    /// would have a reduction of only KH·KW (9) per tile and be store-bound.
    /// </summary>
    private static void ForwardOneChannel(Window2d g, Layout l, int outChannels, int groups, float[] x, int xOff,
        float[] w, int wOff, float[]? bias, int biasOff, float[] y, int yOff)
    {
        long work = (long)g.N * outChannels * g.OHW * g.Taps;
        int threads = Conv2dKernel.Threads(g.N, work);
        ParallelRanges.Each(g.N, threads, (g, l, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff), static (state, n) =>
        {
            var (g, l, outChannels, groups, x, xOff, w, wOff, bias, biasOff, y, yOff) = state;
            int og = outChannels / groups, taps = g.Taps, nv32 = RoundUp(l.Nv, 32);
            float* padded = Pinned(ref t_padded, l.PaddedLength);
            float* row = Pinned(ref t_block, nv32);
            int* t = Taps(g, l);
            fixed (float* px = x, pw = w, py = y)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    Pad(g, l, px + xOff + (n * g.C + gi) * g.HW, padded);
                    for (int o = 0; o < og; o++)
                    {
                        int oc = gi * og + o;
                        float* wo = pw + wOff + oc * taps;
                        var b = Vector256.Create(bias is null ? 0f : bias[biasOff + oc]);
                        for (int q = 0; q < nv32; q += 32)
                        {
                            Vector256<float> a0 = b, a1 = b, a2 = b, a3 = b;
                            float* src = padded + q;
                            for (int p = 0; p < taps; p++)
                            {
                                var wv = Vector256.Create(wo[p]);
                                float* s0 = src + t[p];
                                a0 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(s0), a0);
                                a1 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(s0 + 8), a1);
                                a2 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(s0 + 16), a2);
                                a3 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(s0 + 24), a3);
                            }
                            a0.Store(row + q);
                            a1.Store(row + q + 8);
                            a2.Store(row + q + 16);
                            a3.Store(row + q + 24);
                        }
                        float* dst = py + yOff + (nint)(n * outChannels + oc) * g.OHW;
                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            Unsafe.CopyBlockUnaligned(dst + oh * g.OW, row + oh * l.Wp, (uint)(g.OW * sizeof(float)));
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// One chunk's weight gradient with one input channel per group: for each output channel, the KH·KW dot products
    /// Σ_q dY_v[q]·P[q + t_p] over the virtual outputs, four taps at a time sharing each load of dY, 8 lanes wide,
    /// each lane-sum reduced in a fixed order and added to the chunk's partial sum image by image.
    /// </summary>
    private static void WeightGradientOneChannel(Window2d g, Layout l, int outChannels, int groups, int chunks, int part,
        float[] x, int xOff, float[] dy, int dyOff, float[] partials, int groupBlock, int chunkBlock, int kR)
    {
        int og = outChannels / groups, taps = g.Taps, nv = l.Nv, nv8 = RoundUp(nv, 8);
        int first = (int)((long)g.N * part / chunks), last = (int)((long)g.N * (part + 1) / chunks);
        float* padded = Pinned(ref t_padded, l.PaddedLength);
        float* dyv = Pinned(ref t_dy, nv8);
        int* t = Taps(g, l);
        fixed (float* px = x, pdy = dy, pp = partials)
        {
            for (int n = first; n < last; n++)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    Pad(g, l, px + xOff + (n * g.C + gi) * g.HW, padded);
                    for (int o = 0; o < og; o++)
                    {
                        // dY of this channel on the virtual outputs, zero in the extra columns and the tail.
                        float* src = pdy + dyOff + (nint)(n * outChannels + gi * og + o) * g.OHW;
                        new Span<float>(dyv, nv8).Clear();
                        for (int oh = 0; oh < g.OH; oh++) Unsafe.CopyBlockUnaligned(dyv + oh * l.Wp, src + oh * g.OW, (uint)(g.OW * sizeof(float)));
                        float* c = pp + part * chunkBlock + gi * groupBlock + o * kR;
                        int p = 0;
                        for (; p + 4 <= taps; p += 4)
                        {
                            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                            float* s0 = padded + t[p], s1 = padded + t[p + 1], s2 = padded + t[p + 2], s3 = padded + t[p + 3];
                            for (int q = 0; q < nv8; q += 8)
                            {
                                var d = Vector256.Load(dyv + q);
                                a0 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s0 + q), a0);
                                a1 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s1 + q), a1);
                                a2 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s2 + q), a2);
                                a3 = Vector256.FusedMultiplyAdd(d, Vector256.Load(s3 + q), a3);
                            }
                            Accumulate(c + p, Vector256.Sum(a0), n == first);
                            Accumulate(c + p + 1, Vector256.Sum(a1), n == first);
                            Accumulate(c + p + 2, Vector256.Sum(a2), n == first);
                            Accumulate(c + p + 3, Vector256.Sum(a3), n == first);
                        }
                        for (; p < taps; p++)
                        {
                            Vector256<float> a0 = default;
                            float* s0 = padded + t[p];
                            for (int q = 0; q < nv8; q += 8) a0 = Vector256.FusedMultiplyAdd(Vector256.Load(dyv + q), Vector256.Load(s0 + q), a0);
                            Accumulate(c + p, Vector256.Sum(a0), n == first);
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(float* c, float value, bool first) => *c = first ? value : *c + value;

    /// <summary>packB[q·NR + j] = streams[j][q] for q &lt; kc: NR contiguous streams interleaved, by 8×8 transposes.</summary>
    private static void PackStreams(float** s, int kc, float* packB)
    {
        int q = 0;
        if (Avx.IsSupported)
        {
            for (; q + 8 <= kc; q += 8)
            {
                for (int h = 0; h < NR; h += 8)
                {
                    GemmPacking.Transpose8x8(
                        Avx.LoadVector256(s[h] + q), Avx.LoadVector256(s[h + 1] + q), Avx.LoadVector256(s[h + 2] + q), Avx.LoadVector256(s[h + 3] + q),
                        Avx.LoadVector256(s[h + 4] + q), Avx.LoadVector256(s[h + 5] + q), Avx.LoadVector256(s[h + 6] + q), Avx.LoadVector256(s[h + 7] + q),
                        packB + q * NR + h, NR);
                }
            }
        }
        for (; q < kc; q++)
        {
            float* d = packB + q * NR;
            for (int j = 0; j < NR; j++) d[j] = s[j][q];
        }
    }

    /// <summary>
    /// The weight of the input gradient's convolution: W'[g·C/G + c, o, kh, kw] = W[g·O/G + o, c, KH − 1 − kh, KW − 1 − kw],
    /// shape [C, O/G, KH, KW], into <paramref name="flipped"/>.
    /// </summary>
    public static void FlipWeight(int outChannels, int inChannels, int groups, int kh, int kw, ReadOnlySpan<float> w, Span<float> flipped)
    {
        int og = outChannels / groups, cg = inChannels / groups, taps = kh * kw;
        for (int gi = 0; gi < groups; gi++)
            for (int o = 0; o < og; o++)
                for (int c = 0; c < cg; c++)
                {
                    var src = w.Slice(((gi * og + o) * cg + c) * taps, taps);
                    var dst = flipped.Slice(((gi * cg + c) * og + o) * taps, taps);
                    for (int t = 0; t < taps; t++) dst[t] = src[taps - 1 - t];
                }
    }

    /// <summary>
    /// The geometry of the input gradient as a stride-1 convolution of dY, or null when its padding
    /// d·(k − 1) − p would be negative on some side (padding wider than the kernel).
    /// </summary>
    public static Window2d? InputGradientGeometry(in Window2d g, int outChannels)
    {
        if (!Applies(g)) return null;
        int top = g.DilationH * (g.KH - 1) - g.PadH, left = g.DilationW * (g.KW - 1) - g.PadW;
        int bottom = g.H - g.OH + g.PadH, right = g.W - g.OW + g.PadW;
        if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
        return new Window2d(g.N, outChannels, g.OH, g.OW, g.KH, g.KW, 1, 1, top, left, g.DilationH, g.DilationW, g.H, g.W);
    }
}
