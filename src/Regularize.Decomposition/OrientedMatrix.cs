using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Decomposition;

/// <summary>
/// A row-major matrix A (<c>rows × cols</c>) seen as B = A when it is tall and B = Aᵀ when it is wide, so that B is
/// <c>Long × Short</c> with Long ≥ Short. The factorizations work on B; its products run on <see cref="Gemm"/>,
/// which reads the transpose from the stored layout without copying it.
/// </summary>
internal sealed class OrientedMatrix
{
    public OrientedMatrix(float[] data, int rows, int cols)
    {
        Data = data;
        Rows = rows;
        Cols = cols;
        Wide = cols > rows;
    }

    /// <summary>A's elements, row-major.</summary>
    public float[] Data { get; }

    /// <summary>Rows of A.</summary>
    public int Rows { get; }

    /// <summary>Columns of A.</summary>
    public int Cols { get; }

    /// <summary>True when A has more columns than rows, so B = Aᵀ.</summary>
    public bool Wide { get; }

    /// <summary>Rows of B: max(rows, cols).</summary>
    public int Long => Wide ? Cols : Rows;

    /// <summary>Columns of B: min(rows, cols).</summary>
    public int Short => Wide ? Rows : Cols;

    /// <summary><c>y = B·z</c>: z is <c>Short × l</c>, y is <c>Long × l</c>.</summary>
    public void MultiplyShort(ReadOnlySpan<float> z, int l, Span<float> y) =>
        Gemm.Multiply(Wide, false, Long, l, Short, Data, Cols, z, l, y, l, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);

    /// <summary><c>z = Bᵀ·y</c>: y is <c>Long × l</c>, z is <c>Short × l</c>.</summary>
    public void MultiplyLongTransposed(ReadOnlySpan<float> y, int l, Span<float> z) =>
        Gemm.Multiply(!Wide, false, Short, l, Long, Data, Cols, y, l, z, l, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);

    /// <summary>The Gram matrix <c>BᵀB</c> (<c>Short × Short</c>).</summary>
    public float[] Gram()
    {
        var g = new float[Short * Short];
        Gemm.Multiply(!Wide, Wide, Short, Short, Long, Data, Cols, Data, Cols, g, Short,
            maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        return g;
    }
}
