using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// The blocked loops of <see cref="Gemm"/>: columns of C in blocks of NC, k in blocks of KC (pack
/// B), rows in blocks of MC (pack A), then NR-column and MR-row micro-panels handed to the micro-kernel.
/// The packing buffers are per thread and reused, so a steady-state multiply allocates nothing.
/// </summary>
internal static unsafe class GemmDriver
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;

    /// <summary>Floats past the end of a packed buffer that packing may scribble on (overlapping vector stores).</summary>
    public const int Slack = 8;

    [ThreadStatic]
    private static float[]? t_packA;

    [ThreadStatic]
    private static float[]? t_packB;

    /// <summary>
    /// Computes the product with up to <paramref name="threads"/> threads. When C is at least as wide as it is
    /// tall, each thread takes one column stripe and runs the single-threaded loops on it. Otherwise, for each
    /// KC-deep slice, B is packed once (split across threads when large) and shared, and the rows of C are handed
    /// out in blocks to the threads, each of which packs its own rows of A. Work is never split over k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(GemmProblem problem, int threads)
    {
        int m = problem.M, n = problem.N, k = problem.K;
        if (threads > 1 && n >= m)
        {
            // Wide and short C (a layer's forward pass at a modest batch): one column stripe per thread, each
            // packing its own columns of B and all of the (small) A; one fork-join per product instead of two
            // per KC slice.
            var stripes = new ColumnStripes(problem, threads);
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, stripes.Compute);
            return;
        }

        int ncMax = Math.Min(Gemm.NC, RoundUp(n, NR));
        int kcMax = Math.Min(Gemm.KC, k);
        float* packB = Buffer(ref t_packB, ncMax * kcMax);

        // Several row blocks per thread so a thread slowed down by other work hands its share to the others.
        int rowBlock = threads == 1 ? Gemm.MC : Math.Clamp(RoundUp((m + 4 * threads - 1) / (4 * threads), MR), MR, Gemm.MC);
        int rowBlocks = (m + rowBlock - 1) / rowBlock;
        ParallelOptions? options = threads == 1 ? null : new ParallelOptions { MaxDegreeOfParallelism = threads };

        for (int jc = 0; jc < n; jc += Gemm.NC)
        {
            int nc = Math.Min(Gemm.NC, n - jc);
            for (int pc = 0; pc < k; pc += Gemm.KC)
            {
                int kc = Math.Min(Gemm.KC, k - pc);
                float* b = problem.TransposeB ? problem.B + jc * problem.Ldb + pc : problem.B + pc * problem.Ldb + jc;
                int panels = (nc + NR - 1) / NR;
                if (options is null || (long)kc * nc < 1 << 16 || panels < threads)
                {
                    GemmPacking.PackB(problem.TransposeB, b, problem.Ldb, kc, nc, packB);
                }
                else
                {
                    var slice = new BSlice(problem.TransposeB, b, problem.Ldb, kc, nc, packB, panels, threads);
                    Parallel.For(0, threads, options, slice.Pack);
                }

                var block = new RowBlocks(problem, jc, nc, pc, kc, packB, rowBlock);
                if (options is null || rowBlocks == 1)
                {
                    for (int r = 0; r < rowBlocks; r++)
                    {
                        block.Compute(r);
                    }
                }
                else
                {
                    Parallel.For(0, rowBlocks, options, block.Compute);
                }
            }
        }
    }

    /// <summary>C split into <c>parts</c> column stripes whose edges fall on NR-column panel boundaries.</summary>
    private readonly struct ColumnStripes(GemmProblem problem, int parts)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Compute(int part)
        {
            int panels = (problem.N + NR - 1) / NR;
            int j0 = (int)((long)panels * part / parts) * NR;
            int j1 = Math.Min(problem.N, (int)((long)panels * (part + 1) / parts) * NR);
            if (j1 > j0)
            {
                Run(problem.Columns(j0, j1 - j0), 1);
            }
        }
    }

    /// <summary>One thread's share of packing a KC × NC block of B: a contiguous range of NR-column panels.</summary>
    private readonly struct BSlice(bool transposed, float* b, nint ldb, int kc, int nc, float* packB, int panels, int parts)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Pack(int part)
        {
            int first = (int)((long)panels * part / parts), last = (int)((long)panels * (part + 1) / parts);
            int j0 = first * NR, j1 = Math.Min(nc, last * NR);
            if (j1 > j0)
            {
                float* src = transposed ? b + j0 * ldb : b + j0;
                GemmPacking.PackB(transposed, src, ldb, kc, j1 - j0, packB + (nint)j0 * kc);
            }
        }
    }

    /// <summary>The rows of C in blocks of <c>rowBlock</c> against one packed KC × NC block of B.</summary>
    private readonly struct RowBlocks(GemmProblem problem, int jc, int nc, int pc, int kc, float* packB, int rowBlock)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Compute(int index)
        {
            int ic = index * rowBlock;
            int mc = Math.Min(rowBlock, problem.M - ic);
            // Later k slices add to what the first one wrote.
            float beta = pc == 0 ? problem.Beta : 1f;
            float* packA = Buffer(ref t_packA, RoundUp(mc, MR) * kc);
            float* a = problem.TransposeA ? problem.A + pc * problem.Lda + ic : problem.A + ic * problem.Lda + pc;
            GemmPacking.PackA(problem.TransposeA, a, problem.Lda, mc, kc, packA);
            bool accelerated = Gemm.IsAccelerated;
            float* edge = stackalloc float[MR * NR];

            for (int jr = 0; jr < nc; jr += NR)
            {
                int nr = Math.Min(NR, nc - jr);
                float* bPanel = packB + jr * kc;
                for (int ir = 0; ir < mc; ir += MR)
                {
                    int mr = Math.Min(MR, mc - ir);
                    float* aPanel = packA + ir * kc;
                    float* c = problem.C + (ic + ir) * problem.Ldc + jc + jr;
                    if (mr == MR && nr == NR)
                    {
                        Tile(accelerated, kc, aPanel, bPanel, c, problem.Ldc, beta);
                    }
                    else
                    {
                        // Ragged edge: compute the whole padded tile aside, then update the valid part
                        // with the same final operation the kernel uses.
                        Tile(accelerated, kc, aPanel, bPanel, edge, NR, 0f);
                        for (int i = 0; i < mr; i++)
                        {
                            float* ci = c + i * problem.Ldc;
                            float* ti = edge + i * NR;
                            for (int j = 0; j < nr; j++)
                            {
                                ci[j] = beta == 0f ? ti[j] : MathF.FusedMultiplyAdd(beta, ci[j], ti[j]);
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(bool accelerated, int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        if (accelerated)
        {
            GemmMicroKernel.Avx2(kc, a, b, c, ldc, beta);
        }
        else
        {
            GemmMicroKernel.Portable(kc, a, b, c, ldc, beta);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>A 64-byte-aligned view of this thread's pinned buffer, grown to at least <paramref name="length"/> floats.</summary>
    private static float* Buffer(ref float[]? buffer, int length)
    {
        const int AlignFloats = 16;
        if (buffer is null || buffer.Length < length + AlignFloats + Slack)
        {
            buffer = GC.AllocateUninitializedArray<float>(length + AlignFloats + Slack, pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }
}
