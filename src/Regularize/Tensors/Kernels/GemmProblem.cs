namespace Regularize.Tensors.Kernels;

/// <summary>
/// One <c>C = op(A)·op(B) + beta·C</c> product on pinned memory: the operands as stored, their row strides and
/// the sizes of <c>op(A)</c> (m×k) and <c>op(B)</c> (k×n). A stripe of C is again a problem of this kind.
/// </summary>
internal readonly unsafe struct GemmProblem
{
    public readonly bool TransposeA;
    public readonly bool TransposeB;
    public readonly int M;
    public readonly int N;
    public readonly int K;
    public readonly float* A;
    public readonly nint Lda;
    public readonly float* B;
    public readonly nint Ldb;
    public readonly float* C;
    public readonly nint Ldc;
    public readonly float Beta;

    public GemmProblem(bool transposeA, bool transposeB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float beta)
    {
        TransposeA = transposeA;
        TransposeB = transposeB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Beta = beta;
    }

    /// <summary>Rows <c>[start, start + count)</c> of C, with the matching rows of <c>op(A)</c>.</summary>
    public GemmProblem Rows(int start, int count) => new(TransposeA, TransposeB, count, N, K,
        TransposeA ? A + start : A + start * Lda, Lda, B, Ldb, C + start * Ldc, Ldc, Beta);

    /// <summary>Columns <c>[start, start + count)</c> of C, with the matching columns of <c>op(B)</c>.</summary>
    public GemmProblem Columns(int start, int count) => new(TransposeA, TransposeB, M, count, K,
        A, Lda, TransposeB ? B + start * Ldb : B + start, Ldb, C + start, Ldc, Beta);
}
