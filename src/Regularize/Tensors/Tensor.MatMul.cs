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
        var shape = ProductShape(a, b, transposeA, transposeB);
        var y = Empty(shape);
        MultiplyBatches(a, b, transposeA, transposeB, y);
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
    /// Writes the matrix product <c>op(a)·op(b)</c> into <paramref name="destination"/>, which must already have the
    /// result's shape, and returns it (PyTorch's <c>out=</c>). Nothing is allocated, so code that multiplies
    /// outside a <see cref="TensorScope"/> (inference, a loop that keeps its own buffers) can reuse one result
    /// tensor instead of leaving a fresh array for the collector on every call. Shapes as for
    /// <see cref="MatMul(Tensor, Tensor, bool, bool)"/>.
    /// </summary>
    /// <remarks>
    /// The product is not recorded for <see cref="Tensor.Backward()"/>: when recording is on, neither operand nor the
    /// destination may require gradients (use the allocating overload, or <c>GradMode.NoGrad()</c>).
    /// Like a write through <see cref="Span"/>, overwriting a tensor that a recorded graph saved changes what its
    /// backward pass reads.
    /// </remarks>
    /// <param name="a">The left operand (stored <c>[k,m]</c> when <paramref name="transposeA"/>).</param>
    /// <param name="b">The right operand (stored <c>[n,k]</c> when <paramref name="transposeB"/>).</param>
    /// <param name="destination">Receives the product; must not share elements with <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="transposeA">Use aᵀ.</param>
    /// <param name="transposeB">Use bᵀ.</param>
    /// <returns><paramref name="destination"/>.</returns>
    /// <exception cref="ArgumentException">The ranks are unsupported, the inner dimensions differ, the destination's
    /// shape is not the product's, or the destination overlaps an operand; the message names the shapes.</exception>
    /// <exception cref="InvalidOperationException">Recording is on and an operand or the destination requires gradients.</exception>
    public static Tensor MatMul(Tensor a, Tensor b, Tensor destination, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var shape = ProductShape(a, b, transposeA, transposeB);
        string Describe() => $"MatMul: {a.Shape}{(transposeA ? "ᵀ" : "")} x {b.Shape}{(transposeB ? "ᵀ" : "")} into {destination.Shape}";
        if (destination.Shape != shape)
        {
            throw new ArgumentException($"{Describe()}: the destination must have the product's shape {shape}.", nameof(destination));
        }
        if (destination.Overlaps(a) || destination.Overlaps(b))
        {
            throw new ArgumentException($"{Describe()}: the destination shares elements with an operand; multiply into a separate tensor.", nameof(destination));
        }
        if (GradState.IsEnabled && (a.RequiresGrad || b.RequiresGrad || destination.RequiresGrad))
        {
            string which = destination.RequiresGrad ? "the destination" : "an operand";
            throw new InvalidOperationException(
                $"{Describe()}: {which} requires gradients, and a product written into a destination is not recorded. " +
                "Use MatMul(a, b), or compute under GradMode.NoGrad().");
        }
        MultiplyBatches(a, b, transposeA, transposeB, destination);
        return destination;
    }

    /// <summary>The shape of <c>op(a)·op(b)</c>, after checking the ranks and the inner and batch dimensions.</summary>
    private static Shape ProductShape(Tensor a, Tensor b, bool transposeA, bool transposeB)
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
        return a.Rank == 3 ? new Shape(batch, m, n) : new Shape(m, n);
    }

    /// <summary><c>y = op(a)·op(b)</c> per batch, for shapes <see cref="ProductShape"/> accepted.</summary>
    private static void MultiplyBatches(Tensor a, Tensor b, bool transposeA, bool transposeB, Tensor y)
    {
        int batch = a.Rank == 3 ? a.Shape[0] : 1;
        int ar = a.Shape[-2], ac = a.Shape[-1], br = b.Shape[-2], bc = b.Shape[-1];
        int m = y.Shape[-2], n = y.Shape[-1], k = transposeA ? ar : ac;
        int aSize = ar * ac, bSize = b.Rank == 3 ? br * bc : 0, cSize = m * n;
        for (int i = 0; i < batch; i++)
        {
            Gemm.Multiply(transposeA, transposeB, m, n, k,
                a.Span.Slice(i * aSize, aSize), ac,
                b.Span.Slice(i * bSize, br * bc), bc,
                y.Span.Slice(i * cSize, cSize), n, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        }
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
