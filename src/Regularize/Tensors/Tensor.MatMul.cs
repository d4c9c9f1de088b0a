using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// The matrix product <c>op(a)·op(b)</c>, where op transposes its operand when the flag is set, without
    /// materialising the transpose (the kernel reads the stored layout). Shapes: 2-D <c>[m,k]·[k,n] → [m,n]</c>;
    /// batched 3-D <c>[B,m,k]·[B,k,n] → [B,m,n]</c>; and 3-D by 2-D <c>[B,m,k]·[k,n] → [B,m,n]</c> (the 2-D operand is shared).
    /// </summary>
    /// <param name="a">The left operand (stored <c>[k,m]</c> when <paramref name="transposeA"/>).</param>
    /// <param name="b">The right operand (stored <c>[n,k]</c> when <paramref name="transposeB"/>).</param>
    /// <param name="transposeA">Use aᵀ.</param>
    /// <param name="transposeB">Use bᵀ.</param>
    /// <exception cref="ArgumentException">The ranks are unsupported or the inner dimensions differ; the message names both shapes.</exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        string Describe() => $"MatMul: {a.Shape}{(transposeA ? "ᵀ" : "")} x {b.Shape}{(transposeB ? "ᵀ" : "")}";

        if (b.Rank != 2 && b.Rank != 3 || a.Rank != 2 && a.Rank != 3 || a.Rank == 2 && b.Rank == 3)
        {
            throw new ArgumentException($"{Describe()}: supported ranks are 2x2, 3x3 (batched) and 3x2.");
        }
        int batch = a.Rank == 3 ? a.Shape[0] : 1;
        if (b.Rank == 3 && b.Shape[0] != batch)
        {
            throw new ArgumentException($"{Describe()}: batch sizes {batch} and {b.Shape[0]} differ.");
        }
        int ar = a.Shape[-2], ac = a.Shape[-1], br = b.Shape[-2], bc = b.Shape[-1];
        int m = transposeA ? ac : ar, k = transposeA ? ar : ac;
        int kb = transposeB ? bc : br, n = transposeB ? br : bc;
        if (k != kb)
        {
            throw new ArgumentException($"{Describe()}: inner dimensions {k} and {kb} differ.");
        }
        var y = Empty(a.Rank == 3 ? new Shape(batch, m, n) : new Shape(m, n));
        int aSize = ar * ac, bSize = b.Rank == 3 ? br * bc : 0, cSize = m * n;
        for (int i = 0; i < batch; i++)
        {
            Gemm.Multiply(transposeA, transposeB, m, n, k,
                a.Span.Slice(i * aSize, aSize), ac,
                b.Span.Slice(i * bSize, br * bc), bc,
                y.Span.Slice(i * cSize, cSize), n, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        }
        var node = Engine.Record(y, "MatMul", Derivatives.MatMul, a, b);
        if (node is not null)
        {
            node.Saved = a;
            node.Saved2 = b;
            node.Flag = transposeA;
            node.Flag2 = transposeB;
        }
        return y;
    }

    /// <summary>
    /// <c>destination = op(a)·op(b)</c>, or <c>destination += op(a)·op(b)</c> when <paramref name="accumulate"/>,
    /// for 2-D operands of matching sizes; not recorded. The destination must not share storage with an operand.
    /// </summary>
    internal static void MatMulInto(Tensor a, Tensor b, bool transposeA, bool transposeB, Tensor destination, bool accumulate)
    {
        int m = transposeA ? a.Shape[1] : a.Shape[0], k = transposeA ? a.Shape[0] : a.Shape[1];
        int n = transposeB ? b.Shape[0] : b.Shape[1];
        if (a.Rank != 2 || b.Rank != 2 || destination.Rank != 2 || destination.Shape[0] != m || destination.Shape[1] != n || (transposeB ? b.Shape[1] : b.Shape[0]) != k)
        {
            throw new InvalidOperationException(
                $"MatMulInto: {a.Shape}{(transposeA ? "ᵀ" : "")} x {b.Shape}{(transposeB ? "ᵀ" : "")} into {destination.Shape} (an internal error).");
        }
        Gemm.Multiply(transposeA, transposeB, m, n, k, a.Span, a.Shape[1], b.Span, b.Shape[1], destination.Span, n,
            beta: accumulate ? 1f : 0f, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
    }

    /// <summary>The transpose of a 2-D tensor, as a new tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not 2-D.</exception>
    public Tensor Transpose()
    {
        if (Rank != 2) throw new InvalidOperationException($"Transpose needs a 2-D tensor, but the shape is {Shape}.");
        var y = TransposeNoGrad();
        Engine.Record(y, "Transpose", Derivatives.Transpose, this);
        return y;
    }

    internal Tensor TransposeNoGrad()
    {
        int rows = Shape[0], cols = Shape[1];
        var y = Empty(new Shape(cols, rows));
        ReadOnlySpan<float> x = Span;
        Span<float> d = y.Span;
        const int Block = 32; // tiles small enough that a source and destination tile both stay in L1
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int r1 = Math.Min(r0 + Block, rows);
            for (int c0 = 0; c0 < cols; c0 += Block)
            {
                int c1 = Math.Min(c0 + Block, cols);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++) d[c * rows + r] = x[r * cols + c];
                }
            }
        }
        return y;
    }
}
