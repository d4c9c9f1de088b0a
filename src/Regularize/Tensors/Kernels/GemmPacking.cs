using System.Runtime.CompilerServices;

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
    public static void PackB(bool transposed, float* b, nint ldb, int kc, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - jr);
            if (transposed)
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
}
