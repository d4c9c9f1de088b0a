using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// A factored <see cref="Adafactor"/> parameter's statistics pass and its per-row and per-column factors. The
/// parameter is <c>Batch</c> matrices of <c>Rows</c> × <c>Columns</c>; per step and matrix:
/// <code>
/// G       = g² + ε₁                        (g as the fused loop sees it: after maximize and the L1 subgradient)
/// vRow    = β̂·vRow + (1 − β̂)·(Σⱼ G_ij)/columns
/// vColumn = β̂·vColumn + (1 − β̂)·(Σᵢ G_ij)/rows
/// RowFactor_i = 1/√(vRow_i / mean(vRow)),  ColumnFactor_j = 1/√(vColumn_j)
/// </code>
/// The sums are in double over a partition fixed by the shape: a matrix's rows are cut into
/// <c>BlocksPerMatrix</c> blocks of whole rows (about <see cref="Optimizer.ChunkElements"/> elements each; small matrices are
/// grouped whole into one item). Within a row, element j goes to accumulator j mod 32 (combined pairwise), so a row sum
/// has the same bits at every SIMD width; a block sums each column over its rows in row order, and
/// <see cref="Complete"/> adds the blocks' column sums in block order. So the statistics do not depend on the thread
/// count or the width.
/// </summary>
internal sealed class AdafactorFactors : StatisticsPass
{
    /// <summary>At least this many rows per block: the blocks' column sums then take at most an eighth of θ's bytes.</summary>
    private const int MinimumBlockRows = 16;

    private readonly int _blocksPerMatrix, _rowsPerBlock, _matricesPerItem, _items;
    private readonly ulong _byColumns;
    private readonly double[] _rowSums, _columnSums;
    private Parameter _parameter = null!;
    private Tensor _vRow = null!, _vColumn = null!;
    private float _decay, _mix, _epsilon1, _sign, _l1;

    /// <summary>Factors (and scratch) for <paramref name="batch"/> matrices of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    public AdafactorFactors(int batch, int rows, int columns)
    {
        Batch = batch;
        Rows = rows;
        Columns = columns;
        RowFactor = new float[batch * rows];
        ColumnFactor = new float[batch * columns];
        ColumnStart = new int[batch * rows];
        for (int i = 0; i < ColumnStart.Length; i++) ColumnStart[i] = i / rows * columns;
        _byColumns = columns > 1 ? ulong.MaxValue / (ulong)columns + 1 : 0;
        long perMatrix = (long)rows * columns;
        int blocks = (int)Math.Clamp((perMatrix + Optimizer.ChunkElements - 1) / Optimizer.ChunkElements, 1, Math.Max(1, rows / MinimumBlockRows));
        _rowsPerBlock = blocks == 1 ? rows : (rows + blocks - 1) / blocks;
        _blocksPerMatrix = blocks == 1 ? 1 : (rows + _rowsPerBlock - 1) / _rowsPerBlock;
        _matricesPerItem = _blocksPerMatrix == 1 ? (int)Math.Max(1, Optimizer.ChunkElements / Math.Max(perMatrix, 1)) : 1;
        _items = perMatrix == 0 ? 0 : _blocksPerMatrix == 1 ? (batch + _matricesPerItem - 1) / _matricesPerItem : batch * _blocksPerMatrix;
        _rowSums = new double[batch * rows];
        _columnSums = new double[batch * _blocksPerMatrix * columns];
    }

    /// <summary>The number of matrices (the product of the leading dimensions).</summary>
    public int Batch { get; }

    /// <summary>Rows of each matrix (the second to last dimension).</summary>
    public int Rows { get; }

    /// <summary>Columns of each matrix (the last dimension).</summary>
    public int Columns { get; }

    /// <summary>1/√(vRow_i / mean(vRow)) for each row of each matrix, for the current step.</summary>
    public float[] RowFactor { get; }

    /// <summary>1/√(vColumn_j) for each column of each matrix, for the current step.</summary>
    public float[] ColumnFactor { get; }

    /// <summary>For each row of each matrix, the index of its matrix's first column factor.</summary>
    public int[] ColumnStart { get; }

    /// <summary>The row (over all matrices) of element <paramref name="index"/>: index / Columns, by a multiply (Lemire's exact 32-bit division by an invariant).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RowOf(int index) => _byColumns == 0 ? index : (int)Math.BigMul(_byColumns, (ulong)(uint)index, out _);

    /// <inheritdoc/>
    public override int Items => _items;

    /// <summary>Sets the step's inputs: the parameter, its vRow and vColumn slots, β̂, 1 − β̂, ε₁, the sign of g and λ₁ of an L1 subgradient (0 for none).</summary>
    public void Set(Parameter parameter, Tensor vRow, Tensor vColumn, float decay, float mix, float epsilon1, float sign, float l1Subgradient)
    {
        _parameter = parameter;
        _vRow = vRow;
        _vColumn = vColumn;
        _decay = decay;
        _mix = mix;
        _epsilon1 = epsilon1;
        _sign = sign;
        _l1 = l1Subgradient;
    }

    /// <inheritdoc/>
    public override void Run(int item, bool scalarOnly)
    {
        if (_blocksPerMatrix == 1)
        {
            int first = item * _matricesPerItem, end = Math.Min(Batch, first + _matricesPerItem);
            for (int b = first; b < end; b++) Block(b, 0, scalarOnly);
        }
        else Block(item / _blocksPerMatrix, item % _blocksPerMatrix, scalarOnly);
    }

    /// <summary>Row sums of block <paramref name="block"/> of matrix <paramref name="b"/>, and its column sums over its rows.</summary>
    private void Block(int b, int block, bool scalarOnly)
    {
        int cols = Columns, first = block * _rowsPerBlock, end = Math.Min(Rows, first + _rowsPerBlock);
        var columns = _columnSums.AsSpan((b * _blocksPerMatrix + block) * cols, cols);
        columns.Clear();
        ref double column = ref columns[0];
        for (int i = first; i < end; i++)
        {
            int start = (b * Rows + i) * cols;
            ref float g = ref Optimizer.AtElement(_parameter.Grad!, start);
            ref float theta = ref Optimizer.AtElement(_parameter.Value, start);
            _rowSums[b * Rows + i] = _l1 != 0
                ? Row<On>(ref g, ref theta, ref column, (nuint)cols, scalarOnly)
                : Row<Off>(ref g, ref theta, ref column, (nuint)cols, scalarOnly);
        }
    }

    /// <summary>Σⱼ G_ij of one row (accumulator j mod 32), and G_ij added to column j's sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Row<TSubgradient>(ref float g, ref float theta, ref double column, nuint n, bool scalarOnly) where TSubgradient : struct, ISwitch
    {
        Sums sums = default;
        ref double lanes = ref sums[0];
        nuint j = 0;
        if (!scalarOnly)
        {
            if (F32x16.IsHardwareAccelerated) j = RowVector<F32x16, TSubgradient>(ref g, ref theta, ref column, ref lanes, j, n);
            if (F32x8.IsHardwareAccelerated) j = RowVector<F32x8, TSubgradient>(ref g, ref theta, ref column, ref lanes, j, n);
            if (F32x4.IsHardwareAccelerated) j = RowVector<F32x4, TSubgradient>(ref g, ref theta, ref column, ref lanes, j, n);
        }
        RowScalar<TSubgradient>(ref g, ref theta, ref column, ref lanes, j, n);
        return FusedLoop.Combine(ref lanes);
    }

    /// <summary>One row at one width only, then the scalar tail (for tests).</summary>
    internal double RowWidth<TVec>(ref float g, ref float theta, ref double column, nuint n) where TVec : struct, IFloatVector<TVec>
    {
        Sums sums = default;
        ref double lanes = ref sums[0];
        nuint j = _l1 != 0 ? RowVector<TVec, On>(ref g, ref theta, ref column, ref lanes, 0, n) : RowVector<TVec, Off>(ref g, ref theta, ref column, ref lanes, 0, n);
        if (_l1 != 0) RowScalar<On>(ref g, ref theta, ref column, ref lanes, j, n);
        else RowScalar<Off>(ref g, ref theta, ref column, ref lanes, j, n);
        return FusedLoop.Combine(ref lanes);
    }

    /// <summary>One row in the scalar form (for tests: the oracle of <see cref="RowWidth{TVec}"/>).</summary>
    internal double RowScalarOnly(ref float g, ref float theta, ref double column, nuint n) =>
        _l1 != 0 ? Row<On>(ref g, ref theta, ref column, n, scalarOnly: true) : Row<Off>(ref g, ref theta, ref column, n, scalarOnly: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nuint RowVector<TVec, TSubgradient>(ref float g, ref float theta, ref double column, ref double lanes, nuint j, nuint n)
        where TVec : struct, IFloatVector<TVec> where TSubgradient : struct, ISwitch
    {
        if (n - j < (nuint)TVec.Count) return j;
        if (typeof(TVec) == typeof(F32x16) && j == 0) return Row16<TSubgradient>(ref g, ref theta, ref column, ref lanes, n);
        var sign = TVec.Create(_sign);
        var l1 = TVec.Create(_l1);
        var epsilon1 = TVec.Create(_epsilon1);
        nuint last = n - (nuint)TVec.Count;
        for (; j <= last; j += (nuint)TVec.Count)
        {
            var gj = sign * TVec.Load(ref g, j);
            if (TSubgradient.Enabled) gj = L1Subgradient.Gradient(gj, TVec.Load(ref theta, j), l1);
            var square = gj * gj + epsilon1;
            TVec.AddWidened(square, ref Unsafe.Add(ref lanes, j & (FusedLoop.Accumulators - 1)));
            TVec.AddWidened(square, ref Unsafe.Add(ref column, j));
        }
        return j;
    }

    /// <summary>The 16-lane row loop from j = 0 with the 32 row accumulators in registers: the same additions, the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nuint Row16<TSubgradient>(ref float g, ref float theta, ref double column, ref double lanes, nuint n) where TSubgradient : struct, ISwitch
    {
        Vector512<double> r0 = Vector512.LoadUnsafe(ref lanes), r1 = Vector512.LoadUnsafe(ref lanes, 8), r2 = Vector512.LoadUnsafe(ref lanes, 16), r3 = Vector512.LoadUnsafe(ref lanes, 24);
        nuint j = 0;
        for (; n - j >= 32; j += 32)
        {
            var (lo, hi) = Vector512.Widen(Square16<TSubgradient>(ref g, ref theta, j));
            r0 += lo;
            r1 += hi;
            (Vector512.LoadUnsafe(ref column, j) + lo).StoreUnsafe(ref column, j);
            (Vector512.LoadUnsafe(ref column, j + 8) + hi).StoreUnsafe(ref column, j + 8);
            (lo, hi) = Vector512.Widen(Square16<TSubgradient>(ref g, ref theta, j + 16));
            r2 += lo;
            r3 += hi;
            (Vector512.LoadUnsafe(ref column, j + 16) + lo).StoreUnsafe(ref column, j + 16);
            (Vector512.LoadUnsafe(ref column, j + 24) + hi).StoreUnsafe(ref column, j + 24);
        }
        if (n - j >= 16)
        {
            var (lo, hi) = Vector512.Widen(Square16<TSubgradient>(ref g, ref theta, j));
            r0 += lo;
            r1 += hi;
            (Vector512.LoadUnsafe(ref column, j) + lo).StoreUnsafe(ref column, j);
            (Vector512.LoadUnsafe(ref column, j + 8) + hi).StoreUnsafe(ref column, j + 8);
            j += 16;
        }
        r0.StoreUnsafe(ref lanes);
        r1.StoreUnsafe(ref lanes, 8);
        r2.StoreUnsafe(ref lanes, 16);
        r3.StoreUnsafe(ref lanes, 24);
        return j;
    }

    /// <summary>G = (sign·g [+ λ₁·sign θ])² + ε₁ for 16 elements from <paramref name="j"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<float> Square16<TSubgradient>(ref float g, ref float theta, nuint j) where TSubgradient : struct, ISwitch
    {
        var gj = F32x16.Create(_sign) * F32x16.Load(ref g, j);
        if (TSubgradient.Enabled) gj = L1Subgradient.Gradient(gj, F32x16.Load(ref theta, j), F32x16.Create(_l1));
        return (gj * gj + F32x16.Create(_epsilon1)).Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RowScalar<TSubgradient>(ref float g, ref float theta, ref double column, ref double lanes, nuint j, nuint n) where TSubgradient : struct, ISwitch
    {
        for (; j < n; j++)
        {
            float gj = _sign * Unsafe.Add(ref g, j);
            if (TSubgradient.Enabled) gj = L1Subgradient.Gradient(gj, Unsafe.Add(ref theta, j), _l1);
            double square = gj * gj + _epsilon1;
            Unsafe.Add(ref lanes, j & (FusedLoop.Accumulators - 1)) += square;
            Unsafe.Add(ref column, j) += square;
        }
    }

    /// <summary>
    /// vRow and vColumn from the sums (each column's blocks added in block order), then the factors.
    /// </summary>
    public override void Complete()
    {
        int rows = Rows, cols = Columns, blocks = _blocksPerMatrix;
        var r = _vRow.Span;
        var c = _vColumn.Span;
        float decay = _decay, mix = _mix;
        for (int b = 0; b < Batch; b++)
        {
            for (int j = 0; j < cols; j++)
            {
                int o = b * blocks * cols + j;
                double sum = _columnSums[o];
                for (int k = 1; k < blocks; k++) sum += _columnSums[o + k * cols];
                c[b * cols + j] = decay * c[b * cols + j] + mix * (float)(sum / rows);
            }
            for (int i = 0; i < rows; i++) r[b * rows + i] = decay * r[b * rows + i] + mix * (float)(_rowSums[b * rows + i] / cols);
            double rTotal = 0;
            for (int i = 0; i < rows; i++) rTotal += r[b * rows + i];
            float rMean = (float)(rTotal / rows);
            for (int i = 0; i < rows; i++) RowFactor[b * rows + i] = 1f / MathF.Sqrt(r[b * rows + i] / rMean);
            for (int j = 0; j < cols; j++) ColumnFactor[b * cols + j] = 1f / MathF.Sqrt(c[b * cols + j]);
        }
    }

    /// <summary>The row sum's accumulators on the stack.</summary>
    [InlineArray(FusedLoop.Accumulators)]
    private struct Sums
    {
        private double _element;
    }
}
