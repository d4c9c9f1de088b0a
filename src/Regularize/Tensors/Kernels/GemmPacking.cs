using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// Copies blocks of <c>op(A)</c> and <c>op(B)</c> into the contiguous micro-panel layouts the micro-kernels read,
/// zero-padding ragged edges to a whole panel. Transposes are handled here by the read order.
/// </summary>
internal static unsafe class GemmPacking
{
    private const int MR = GemmMicroKernel.MR;
    private const int NR = GemmMicroKernel.NR;

    /// <summary>
    /// Packs rows <c>[0, mc)</c>, columns <c>[0, kc)</c> of <c>op(A)</c> (starting at <paramref name="a"/>) into
    /// ⌈mc/MR⌉ panels of kc × MR floats: panel r holds <c>dst[r·MR·kc + p·MR + i] = op(A)[r·MR + i, p]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transposed, float* a, nint lda, int mc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc)
        {
            int mr = Math.Min(MR, mc - ir);
            if (transposed)
            {
                // Stored k×m: the MR values for one p are contiguous.
                float* src = a + ir;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    float* d = dst + p * MR;
                    int i = 0;
                    for (; i < mr; i++)
                    {
                        d[i] = src[i];
                    }
                    for (; i < MR; i++)
                    {
                        d[i] = 0f;
                    }
                }
            }
            else if (mr == MR && Avx.IsSupported)
            {
                // Stored m×k: transpose 6 rows × 8 values of p (padded to 8×8 with zeros) in registers. Each
                // 8-float store of a column spills 2 floats into the next p, which the next store overwrites;
                // the last one lands in the next panel or the buffer's slack (see GemmDriver.Slack).
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                {
                    float* src = a + ir * lda + p;
                    Transpose8x8(
                        Avx.LoadVector256(src), Avx.LoadVector256(src + lda), Avx.LoadVector256(src + 2 * lda),
                        Avx.LoadVector256(src + 3 * lda), Avx.LoadVector256(src + 4 * lda), Avx.LoadVector256(src + 5 * lda),
                        Vector256<float>.Zero, Vector256<float>.Zero, dst + p * MR, MR);
                }
                for (; p < kc; p++)
                {
                    float* d = dst + p * MR;
                    for (int i = 0; i < MR; i++)
                    {
                        d[i] = a[(ir + i) * lda + p];
                    }
                }
            }
            else
            {
                // Stored m×k: read each row contiguously, write it with stride MR.
                int i = 0;
                for (; i < mr; i++)
                {
                    float* src = a + (ir + i) * lda;
                    float* d = dst + i;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * MR] = src[p];
                    }
                }
                for (; i < MR; i++)
                {
                    float* d = dst + i;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * MR] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs rows <c>[0, kc)</c>, columns <c>[0, nc)</c> of <c>op(B)</c> (starting at <paramref name="b"/>) into
    /// ⌈nc/NR⌉ panels of kc × NR floats: panel r holds <c>dst[r·NR·kc + p·NR + j] = op(B)[p, r·NR + j]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transposed, float* b, nint ldb, int kc, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - jr);
            if (transposed && nr == NR && Avx.IsSupported)
            {
                // Stored n×k: transpose 8×8 blocks in registers (8 columns of op(B) × 8 values of p at a time).
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8(b + jr * ldb + p, ldb, dst + p * NR, NR);
                    Transpose8x8(b + (jr + 8) * ldb + p, ldb, dst + p * NR + 8, NR);
                }
                for (; p < kc; p++)
                {
                    float* src = b + jr * ldb + p;
                    float* d = dst + p * NR;
                    for (int j = 0; j < NR; j++)
                    {
                        d[j] = src[j * ldb];
                    }
                }
            }
            else if (transposed)
            {
                // Stored n×k: read each stored row (one column of op(B)) contiguously, write it with stride NR.
                int j = 0;
                for (; j < nr; j++)
                {
                    float* src = b + (jr + j) * ldb;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * NR] = src[p];
                    }
                }
                for (; j < NR; j++)
                {
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * NR] = 0f;
                    }
                }
            }
            else if (nr == NR)
            {
                // Stored k×n: each p contributes NR contiguous values.
                float* src = b + jr;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    Unsafe.CopyBlockUnaligned(dst + p * NR, src, NR * sizeof(float));
                }
            }
            else
            {
                float* src = b + jr;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    float* d = dst + p * NR;
                    int j = 0;
                    for (; j < nr; j++)
                    {
                        d[j] = src[j];
                    }
                    for (; j < NR; j++)
                    {
                        d[j] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes the transpose of the 8×8 block at <paramref name="src"/> (row stride <paramref name="lds"/>) to
    /// <paramref name="dst"/> (row stride <paramref name="ldd"/>): <c>dst[q·ldd + t] = src[t·lds + q]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd) => Transpose8x8(
        Avx.LoadVector256(src), Avx.LoadVector256(src + lds), Avx.LoadVector256(src + 2 * lds), Avx.LoadVector256(src + 3 * lds),
        Avx.LoadVector256(src + 4 * lds), Avx.LoadVector256(src + 5 * lds), Avx.LoadVector256(src + 6 * lds),
        Avx.LoadVector256(src + 7 * lds), dst, ldd);

    /// <summary>Writes the transpose of the rows r0 … r7 to <paramref name="dst"/>: <c>dst[q·ldd + t] = r_t[q]</c>, q in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* dst, nint ldd)
    {
        // Interleave pairs of rows, then pairs of pairs: s_q holds column q (low lane) and q + 4 (high lane)
        // of rows 0-3 (s0-s3) or rows 4-7 (s4-s7).
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }
}
