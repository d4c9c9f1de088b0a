using MathNet.Numerics.LinearAlgebra;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Tensors.Kernels;

/// <summary>
/// One GEMM test problem: random operands stored with padded leading dimensions, a NaN- or value-filled C, and the
/// double-precision answer from MathNet.Numerics with its error bound.
/// </summary>
internal sealed class GemmTestData
{
    public GemmTestData(bool transposeA, bool transposeB, int m, int n, int k, int pad, float beta, int seed)
    {
        TransposeA = transposeA;
        TransposeB = transposeB;
        M = m;
        N = n;
        K = k;
        Beta = beta;
        var random = new Random(seed);
        // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        Lda = aCols + pad;
        Ldb = bCols + pad;
        Ldc = n + pad;
        A = Fill(random, aRows, Lda);
        B = Fill(random, bRows, Ldb);
        // beta = 0 must ignore C entirely, so start from NaN; otherwise start from values to accumulate onto.
        C0 = beta == 0f ? Enumerable.Repeat(float.NaN, Math.Max(0, (m - 1) * Ldc + n)).ToArray() : Fill(random, m, Ldc);
        if (m == 0)
        {
            C0 = [];
        }

        _reference = new Lazy<(Matrix<double>, Matrix<double>)>(ComputeReference);
    }

    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public float Beta { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C0 { get; }
    public Matrix<double> Expected => _reference.Value.Expected;

    /// <summary>Size of the terms that are rounded: Σₚ |a_ip|·|b_pj| + |beta·C_ij|.</summary>
    public Matrix<double> Magnitude => _reference.Value.Magnitude;

    private readonly Lazy<(Matrix<double> Expected, Matrix<double> Magnitude)> _reference;

    private (Matrix<double>, Matrix<double>) ComputeReference()
    {
        Matrix<double> opA = Matrix<double>.Build.Dense(M, K, (i, p) => TransposeA ? A[p * Lda + i] : A[i * Lda + p]);
        Matrix<double> opB = Matrix<double>.Build.Dense(K, N, (p, j) => TransposeB ? B[j * Ldb + p] : B[p * Ldb + j]);
        Matrix<double> oldC = Matrix<double>.Build.Dense(M, N, (i, j) => Beta == 0f ? 0 : C0[i * Ldc + j]);
        return (opA * opB + Beta * oldC, opA.PointwiseAbs() * opB.PointwiseAbs() + Math.Abs(Beta) * oldC.PointwiseAbs());
    }

    /// <summary>
    /// The forward error bound of a float32 dot product of length k followed by <c>+ beta·C</c>.
    /// Any order of k − 1 additions (plain, fused or blocked by KC) plus the final <c>beta·C</c> update is a
    /// summation of k + 1 terms, so by the standard analysis (Higham, Accuracy and Stability of Numerical
    /// Algorithms, §3.1) |computed − exact| ≤ γ(k+2)·(Σₚ|a_ip||b_pj| + |beta·C_ij|) with γ(n) = n·u/(1 − n·u) and
    /// u = 2⁻²⁴ the float32 unit roundoff; one extra term covers the product rounding. The MathNet reference is
    /// double, whose own error (about 2⁻⁵³ relative) is far below this. The bound is worst case, not a guess, so
    /// it scales with k and with the size of the terms rather than being a fixed tolerance.
    /// </summary>
    public double Bound(int i, int j)
    {
        const double u = 1.0 / (1 << 24);
        double n = K + 2;
        return n * u / (1 - n * u) * Magnitude[i, j] + float.Epsilon;
    }

    public float[] NewC() => (float[])C0.Clone();

    public void Run(float[] c, int threads) => Gemm.Multiply(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, Beta, threads);

    public void RunReference(float[] c) => Gemm.MultiplyReference(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, Beta);

    /// <summary>Asserts every element of C is within <paramref name="factor"/> × the bound, and that padding is untouched.</summary>
    public void AssertClose(float[] c, double factor = 1)
    {
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double actual = c[i * Ldc + j], expected = Expected[i, j];
                double error = Math.Abs(actual - expected), bound = factor * Bound(i, j);
                if (!(error <= bound))
                {
                    Assert.Fail($"{this}: C[{i},{j}] = {actual:R}, expected {expected:R}; error {error:E3} > bound {bound:E3}");
                }
            }
            for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                Assert.That(c[i * Ldc + j], Is.EqualTo(C0[i * Ldc + j]).Or.NaN, $"{this}: padding C[{i},{j}] was written");
            }
        }
    }

    public override string ToString() =>
        $"{(TransposeA ? "Aᵀ" : "A")}·{(TransposeB ? "Bᵀ" : "B")} m={M} n={N} k={K} lda={Lda} ldb={Ldb} ldc={Ldc} beta={Beta}";

    private static float[] Fill(Random random, int rows, int ld)
    {
        float[] x = new float[Math.Max(0, rows * ld)];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 2 * random.NextSingle() - 1;
        }
        return x;
    }
}
