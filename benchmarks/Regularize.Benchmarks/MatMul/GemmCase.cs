namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// One matrix-multiply shape benchmarked: <c>C (m×n) = op(A)·op(B)</c> with <c>op(A)</c> m×k and <c>op(B)</c> k×n.
/// </summary>
/// <param name="Name">How tables print it.</param>
/// <param name="TransposeA">A is stored k×m and used transposed.</param>
/// <param name="TransposeB">B is stored n×k and used transposed.</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The inner dimension.</param>
public sealed record GemmCase(string Name, bool TransposeA, bool TransposeB, int M, int N, int K)
{
    /// <summary>
    /// Square sizes 64 … 1024, then the MLP layer 784 → 512 at batch 128: forward X·W, weight gradient Xᵀ·dY
    /// (X stored 128×784) and input gradient dY·Wᵀ (W stored 784×512, that is n×k).
    /// </summary>
    public static IReadOnlyList<GemmCase> All { get; } =
    [
        Square(64), Square(128), Square(256), Square(512), Square(1024),
        new("fwd 128x784·784x512", false, false, 128, 512, 784),
        new("dW 784x128ᵀ·128x512", true, false, 784, 512, 128),
        new("dX 128x512·784x512ᵀ", false, true, 128, 784, 512),
    ];

    /// <summary>An n×n by n×n product.</summary>
    public static GemmCase Square(int size) => new($"{size}×{size}×{size}", false, false, size, size, size);

    /// <summary>Whether the shape is square with no transposes (the ones compared with MathNet).</summary>
    public bool IsSquare => M == N && N == K && !TransposeA && !TransposeB;

    /// <summary>2·m·n·k.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Row stride of A as stored.</summary>
    public int Lda => TransposeA ? M : K;

    /// <summary>Row stride of B as stored.</summary>
    public int Ldb => TransposeB ? K : N;

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Random operands (uniform in [−0.5, 0.5), fixed seed) and an output buffer.</summary>
    public (float[] A, float[] B, float[] C) Allocate()
    {
        var random = new Random(1);
        float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
        foreach (float[] x in new[] { a, b })
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextSingle() - 0.5f;
            }
        }
        return (a, b, c);
    }
}
