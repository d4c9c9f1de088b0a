using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// General matrix multiply on row-major float32 matrices: <c>C = op(A)·op(B) + beta·C</c>,
/// where <c>op(X)</c> is <c>X</c> or <c>Xᵀ</c>.
/// </summary>
/// <remarks>
/// <para>
/// The fast path packs <c>op(A)</c> into <see cref="GemmMicroKernel.MR"/>-row micro-panels and <c>op(B)</c> into
/// <see cref="GemmMicroKernel.NR"/>-column micro-panels inside cache-sized blocks (<see cref="KC"/> × <see cref="MC"/>
/// of A for the L2 cache, <see cref="KC"/> × <see cref="NC"/> of B for the L3 cache), so a transpose is only ever a
/// different packing order. A register-tiled <c>Vector256</c> FMA micro-kernel then computes each MR×NR tile of C.
/// Without AVX2 and FMA a portable micro-kernel over the same packed panels is used.
/// </para>
/// <para>
/// Determinism: every element of C is computed by the same sequence of operations (a running sum over k in
/// blocks of <see cref="KC"/>) whatever the thread count, because large products are split across threads over
/// blocks of rows of C (or column stripes when C is wider than tall), never over k. One thread and many threads
/// give bit-identical results.
/// </para>
/// <para>C must not overlap A or B.</para>
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// Depth of a packed block: one B micro-panel (KC × NR floats, 32 KiB) is reused from L1/L2 across a row block.
    /// Deeper blocks halve the passes over C; 512 beat 256 at 1024³ and was no slower at 512³ (figures in
    /// docs/benchmarks.md, "Block sizes and the parallel threshold").
    /// </summary>
    internal const int KC = 512;

    /// <summary>Rows of A packed at once: MC × KC floats (288 KiB) stay in the 1 MiB L2 of one core; the speed is flat
    /// over a wide range of MC (docs/benchmarks.md).</summary>
    internal const int MC = 144;

    /// <summary>Columns of B packed at once: KC × NC floats (4 MiB) live in the 32 MiB L3.</summary>
    internal const int NC = 2048;

    /// <summary>
    /// Products with at most this many multiply-adds (128³) stay on the calling thread, and each extra thread
    /// needs at least half of it: waking a pool thread costs tens of microseconds, more than a product this small
    /// gains from a second core, while slightly larger ones already gain (docs/benchmarks.md).
    /// </summary>
    internal const long ParallelThreshold = 1L << 21;

    /// <summary>
    /// Computes <c>C = op(A)·op(B) + beta·C</c> for row-major matrices, where <c>op(A)</c> is m×k,
    /// <c>op(B)</c> is k×n and C is m×n, using packed panels, a SIMD micro-kernel and, for large products,
    /// several threads.
    /// </summary>
    /// <param name="transposeA">
    /// <see langword="false"/>: A is stored m×k; <see langword="true"/>: A is stored k×m and used transposed.
    /// </param>
    /// <param name="transposeB">
    /// <see langword="false"/>: B is stored k×n; <see langword="true"/>: B is stored n×k and used transposed.
    /// </param>
    /// <param name="m">Rows of <c>op(A)</c> and of C.</param>
    /// <param name="n">Columns of <c>op(B)</c> and of C.</param>
    /// <param name="k">Columns of <c>op(A)</c> and rows of <c>op(B)</c>; 0 gives <c>C = beta·C</c>.</param>
    /// <param name="a">The elements of A as stored (row-major, row stride <paramref name="lda"/>).</param>
    /// <param name="lda">Distance in elements between the starts of consecutive stored rows of A.</param>
    /// <param name="b">The elements of B as stored (row-major, row stride <paramref name="ldb"/>).</param>
    /// <param name="ldb">Distance in elements between the starts of consecutive stored rows of B.</param>
    /// <param name="c">The elements of C (row-major, row stride <paramref name="ldc"/>); overwritten with the result.</param>
    /// <param name="ldc">Distance in elements between the starts of consecutive rows of C.</param>
    /// <param name="beta">
    /// Scale of the old contents of C: 0 overwrites C (its old contents, even NaN, are ignored), 1 accumulates
    /// into C; any other value scales C before the product is added.
    /// </param>
    /// <param name="maxDegreeOfParallelism">
    /// The most threads to use: -1 for all cores (<see cref="Environment.ProcessorCount"/>), 1 for the calling
    /// thread only. Small products always run on the calling thread. The result does not depend on this value.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or the degree of parallelism is 0 or below -1.</exception>
    /// <exception cref="ArgumentException">A leading dimension is shorter than a stored row, or a span is too short.</exception>
    public static unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        float beta = 0f, int maxDegreeOfParallelism = -1)
    {
        Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism,
                $"Gemm: maxDegreeOfParallelism is {maxDegreeOfParallelism}; use -1 for all cores or a positive thread count.");
        }
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0)
            {
                ScaleC(m, n, pc, ldc, beta);
                return;
            }

            var problem = new GemmProblem(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, beta);
            int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
            long multiplyAdds = (long)m * n * k;
            if (threads > 1 && multiplyAdds > ParallelThreshold)
            {
                threads = (int)Math.Min(threads, multiplyAdds / (ParallelThreshold / 2));
            }
            else
            {
                threads = 1;
            }
            GemmDriver.Run(problem, threads);
        }
    }

    /// <summary>
    /// Computes <c>C = op(A)·op(B) + beta·C</c> with the plain triple loop: for each (i, j) the sum
    /// <c>s = Σₚ op(A)[i,p]·op(B)[p,j]</c> is accumulated in float32 in order p = 0, 1, …, k−1, then
    /// <c>C[i,j] = s</c> when beta is 0 and <c>C[i,j] = s + beta·C[i,j]</c> otherwise. It is the definition
    /// the fast path of <see cref="Multiply"/> is tested against; arguments are as there.
    /// </summary>
    /// <param name="transposeA">
    /// <see langword="false"/>: A is stored m×k; <see langword="true"/>: A is stored k×m and used transposed.
    /// </param>
    /// <param name="transposeB">
    /// <see langword="false"/>: B is stored k×n; <see langword="true"/>: B is stored n×k and used transposed.
    /// </param>
    /// <param name="m">Rows of <c>op(A)</c> and of C.</param>
    /// <param name="n">Columns of <c>op(B)</c> and of C.</param>
    /// <param name="k">Columns of <c>op(A)</c> and rows of <c>op(B)</c>; 0 gives <c>C = beta·C</c>.</param>
    /// <param name="a">The elements of A as stored (row-major, row stride <paramref name="lda"/>).</param>
    /// <param name="lda">Distance in elements between the starts of consecutive stored rows of A.</param>
    /// <param name="b">The elements of B as stored (row-major, row stride <paramref name="ldb"/>).</param>
    /// <param name="ldb">Distance in elements between the starts of consecutive stored rows of B.</param>
    /// <param name="c">The elements of C (row-major, row stride <paramref name="ldc"/>); overwritten with the result.</param>
    /// <param name="ldc">Distance in elements between the starts of consecutive rows of C.</param>
    /// <param name="beta">Scale of the old contents of C: 0 overwrites (old contents ignored), 1 accumulates.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A leading dimension is shorter than a stored row, or a span is too short.</exception>
    public static void MultiplyReference(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        float beta = 0f)
    {
        Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += aip * bpj;
                }
                ref float cij = ref c[i * ldc + j];
                cij = beta == 0f ? sum : sum + beta * cij;
            }
        }
    }

    private static unsafe void ScaleC(int m, int n, float* c, int ldc, float beta)
    {
        if (beta == 1f)
        {
            return;
        }
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                foreach (ref float x in row)
                {
                    x *= beta;
                }
            }
        }
    }

    private static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> c, int ldc)
    {
        CheckDimension(m, nameof(m));
        CheckDimension(n, nameof(n));
        CheckDimension(k, nameof(k));
        // Stored shapes: A is m×k or (transposed) k×m; B is k×n or n×k; C is m×n.
        CheckOperand("A", transposeA ? k : m, transposeA ? m : k, a.Length, lda, nameof(lda), transposeA, nameof(transposeA));
        CheckOperand("B", transposeB ? n : k, transposeB ? k : n, b.Length, ldb, nameof(ldb), transposeB, nameof(transposeB));
        CheckOperand("C", m, n, c.Length, ldc, nameof(ldc), null, null);
    }

    private static void CheckDimension(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"Gemm: {name} is {value}; the dimensions m, n and k must be non-negative.");
        }
    }

    private static void CheckOperand(string matrix, int rows, int columns, int spanLength, int ld, string ldName,
        bool? transposed, string? transposeName)
    {
        if (ld < Math.Max(1, columns))
        {
            throw new ArgumentException(
                $"Gemm: {ldName} is {ld} but {matrix} is {rows}x{columns}{Stored(transposed, transposeName)}, so {ldName} must be at least {Math.Max(1, columns)}.",
                ldName);
        }
        long needed = rows == 0 || columns == 0 ? 0 : (long)(rows - 1) * ld + columns;
        if (spanLength < needed)
        {
            throw new ArgumentException(
                $"Gemm: {matrix} is {rows}x{columns} ({ldName} {ld}) but the span holds {spanLength} values; it needs {needed}{Stored(transposed, transposeName)}.",
                matrix.ToLowerInvariant());
        }
    }

    private static string Stored(bool? transposed, string? transposeName) =>
        transposed is true ? $" (stored transposed: {transposeName} is true)" : "";

    /// <summary>Whether the AVX2 + FMA micro-kernel is used on this machine (otherwise the portable one).</summary>
    internal static bool IsAccelerated
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported && Fma.IsSupported;
    }
}
