namespace Regularize.Tensors.Kernels;

/// <summary>Temporary reference matrix multiply until the packed kernel lands.</summary>
public static class Gemm
{
    /// <summary><c>C = op(A)·op(B) + beta·C</c>, row-major.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        float beta = 0f, int maxDegreeOfParallelism = -1)
    {
        _ = maxDegreeOfParallelism;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (transposeA ? a[p * lda + i] : a[i * lda + p]) * (transposeB ? b[j * ldb + p] : b[p * ldb + j]);
                }
                c[i * ldc + j] = beta == 0 ? s : s + beta * c[i * ldc + j];
            }
        }
    }
}
