using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// The innermost step of <see cref="Gemm"/>: one MR×NR tile of C from an MR-row micro-panel of A and an NR-column
/// micro-panel of B (both packed, kc deep): <c>C[i,j] = Σₚ a[p·MR + i]·b[p·NR + j] + beta·C[i,j]</c>, where the
/// sum runs over p = 0 … kc−1 in order and beta = 0 ignores the old C.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    /// <summary>Rows of a tile: 6 rows × 2 vectors = 12 accumulators, enough to hide FMA latency × throughput.</summary>
    public const int MR = 6;

    /// <summary>Columns of a tile: two <c>Vector256&lt;float&gt;</c>.</summary>
    public const int NR = 16;

    /// <summary>
    /// The AVX2 + FMA kernel: the 6×16 tile lives in 12 <c>Vector256</c> registers over the whole k loop; each
    /// step loads two vectors of B, broadcasts six values of A and issues 12 fused multiply-adds.
    /// The final update is <c>C = fma(beta, C, sum)</c> (or <c>C = sum</c> when beta is 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        // Bring the tile of C towards L1 while the k loop runs (each 16-float row may straddle two lines).
        for (int i = 0; i < MR; i++)
        {
            Sse.Prefetch0(c + i * ldc);
            Sse.Prefetch0(c + i * ldc + NR - 1);
        }
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00);
            c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10);
            c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20);
            c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30);
            c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40);
            c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50);
            c51 = Fma.MultiplyAdd(ai, b1, c51);
            a += MR;
            b += NR;
        }

        if (beta == 0f)
        {
            Avx.Store(c, c00);
            Avx.Store(c + 8, c01);
            Avx.Store(c + ldc, c10);
            Avx.Store(c + ldc + 8, c11);
            Avx.Store(c + 2 * ldc, c20);
            Avx.Store(c + 2 * ldc + 8, c21);
            Avx.Store(c + 3 * ldc, c30);
            Avx.Store(c + 3 * ldc + 8, c31);
            Avx.Store(c + 4 * ldc, c40);
            Avx.Store(c + 4 * ldc + 8, c41);
            Avx.Store(c + 5 * ldc, c50);
            Avx.Store(c + 5 * ldc + 8, c51);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, c00, vb);
            Update(c + 8, c01, vb);
            Update(c + ldc, c10, vb);
            Update(c + ldc + 8, c11, vb);
            Update(c + 2 * ldc, c20, vb);
            Update(c + 2 * ldc + 8, c21, vb);
            Update(c + 3 * ldc, c30, vb);
            Update(c + 3 * ldc + 8, c31, vb);
            Update(c + 4 * ldc, c40, vb);
            Update(c + 4 * ldc + 8, c41, vb);
            Update(c + 5 * ldc, c50, vb);
            Update(c + 5 * ldc + 8, c51, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> sum, Vector256<float> beta) =>
        Avx.Store(c, Fma.MultiplyAdd(beta, Avx.LoadVector256(c), sum));

    /// <summary>
    /// The portable kernel for machines without AVX2/FMA (and for runs with hardware intrinsics disabled):
    /// the same tile, accumulated in a stack buffer with separate multiply and add, using <c>Vector128</c>
    /// when it is hardware-accelerated and scalars otherwise. The final update is
    /// <c>C = fma(beta, C, sum)</c> (or <c>C = sum</c> when beta is 0), exactly as in the AVX2 kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Portable(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        float* tile = stackalloc float[MR * NR];
        new Span<float>(tile, MR * NR).Clear();
        if (Vector128.IsHardwareAccelerated)
        {
            for (int p = 0; p < kc; p++, a += MR, b += NR)
            {
                Vector128<float> b0 = Vector128.Load(b);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> b2 = Vector128.Load(b + 8);
                Vector128<float> b3 = Vector128.Load(b + 12);
                for (int i = 0; i < MR; i++)
                {
                    Vector128<float> ai = Vector128.Create(a[i]);
                    float* t = tile + i * NR;
                    (Vector128.Load(t) + ai * b0).Store(t);
                    (Vector128.Load(t + 4) + ai * b1).Store(t + 4);
                    (Vector128.Load(t + 8) + ai * b2).Store(t + 8);
                    (Vector128.Load(t + 12) + ai * b3).Store(t + 12);
                }
            }
        }
        else
        {
            for (int p = 0; p < kc; p++, a += MR, b += NR)
            {
                for (int i = 0; i < MR; i++)
                {
                    float ai = a[i];
                    float* t = tile + i * NR;
                    for (int j = 0; j < NR; j++)
                    {
                        t[j] += ai * b[j];
                    }
                }
            }
        }

        for (int i = 0; i < MR; i++)
        {
            float* t = tile + i * NR;
            float* ci = c + i * ldc;
            for (int j = 0; j < NR; j++)
            {
                ci[j] = beta == 0f ? t[j] : MathF.FusedMultiplyAdd(beta, ci[j], t[j]);
            }
        }
    }
}
