using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// The blocked loops of <see cref="Gemm"/> on one thread: columns of C in blocks of NC, k in blocks of KC (pack
/// B), rows in blocks of MC (pack A), then NR-column and MR-row micro-panels handed to the micro-kernel.
/// The packing buffers are per thread and reused, so a steady-state multiply allocates nothing.
/// </summary>
internal static unsafe class GemmDriver
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;

    [ThreadStatic]
    private static float[]? t_packA;

    [ThreadStatic]
    private static float[]? t_packB;

    public static void Run(in GemmProblem problem)
    {
        int m = problem.M, n = problem.N, k = problem.K;
        int mcMax = Math.Min(Gemm.MC, RoundUp(m, MR));
        int ncMax = Math.Min(Gemm.NC, RoundUp(n, NR));
        int kcMax = Math.Min(Gemm.KC, k);
        float* packA = Buffer(ref t_packA, mcMax * kcMax);
        float* packB = Buffer(ref t_packB, ncMax * kcMax);
        bool accelerated = Gemm.IsAccelerated;
        float* edge = stackalloc float[MR * NR];

        for (int jc = 0; jc < n; jc += Gemm.NC)
        {
            int nc = Math.Min(Gemm.NC, n - jc);
            for (int pc = 0; pc < k; pc += Gemm.KC)
            {
                int kc = Math.Min(Gemm.KC, k - pc);
                // Later k blocks add to what the first one wrote.
                float beta = pc == 0 ? problem.Beta : 1f;
                float* b = problem.TransposeB ? problem.B + jc * problem.Ldb + pc : problem.B + pc * problem.Ldb + jc;
                GemmPacking.PackB(problem.TransposeB, b, problem.Ldb, kc, nc, packB);

                for (int ic = 0; ic < m; ic += Gemm.MC)
                {
                    int mc = Math.Min(Gemm.MC, m - ic);
                    float* a = problem.TransposeA ? problem.A + pc * problem.Lda + ic : problem.A + ic * problem.Lda + pc;
                    GemmPacking.PackA(problem.TransposeA, a, problem.Lda, mc, kc, packA);

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
        if (buffer is null || buffer.Length < length + AlignFloats)
        {
            buffer = GC.AllocateUninitializedArray<float>(length + AlignFloats, pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }
}
