using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Regularize.Decomposition;

/// <summary>
/// The small dense factorizations, done in float64 by MathNet.Numerics: thin QR of a <c>Short × l</c> block,
/// the eigendecomposition of an <c>l × l</c> Gram matrix, and the full SVD used as the reference solver.
/// </summary>
internal static class DenseFactorizations
{
    /// <summary>Replaces the columns of the row-major <c>rows × cols</c> matrix <paramref name="x"/> by an orthonormal basis of their span (thin Householder QR).</summary>
    public static void Orthonormalize(float[] x, int rows, int cols)
    {
        var m = Matrix<double>.Build.Dense(rows, cols, (i, j) => x[i * cols + j]);
        var q = m.QR(QRMethod.Thin).Q;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) x[i * cols + j] = (float)q[i, j];
        }
    }

    /// <summary>
    /// Eigendecomposition of the symmetric row-major <c>n × n</c> matrix <paramref name="g"/>: eigenvalues in
    /// descending order and the eigenvectors as the columns of a row-major <c>n × n</c> array, in the same order.
    /// </summary>
    public static (double[] Values, float[] Vectors) SymmetricEigen(float[] g, int n)
    {
        // Symmetrise: the two triangles of a float32 Gram matrix can differ in the last bit.
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => 0.5 * ((double)g[i * n + j] + g[j * n + i]));
        var evd = m.Evd(Symmetricity.Symmetric);
        var values = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = evd.EigenValues[i].Real;
            order[i] = i;
        }
        Array.Sort(values.ToArray(), order); // ascending
        Array.Reverse(order);
        var sorted = new double[n];
        var vectors = new float[n * n];
        for (int j = 0; j < n; j++)
        {
            sorted[j] = values[order[j]];
            for (int i = 0; i < n; i++) vectors[i * n + j] = (float)evd.EigenVectors[i, order[j]];
        }
        return (sorted, vectors);
    }

    /// <summary>
    /// The full SVD of B in float64: thin QR <c>B = QR</c>, then the SVD <c>R = U_R·Σ·Vᵀ</c>, so
    /// <c>B = (Q·U_R)·Σ·Vᵀ</c>. Returns the leading <paramref name="rank"/> triplets.
    /// </summary>
    public static ShortSideSvd FullSvd(OrientedMatrix a, int rank, bool needBW)
    {
        int p = a.Long, s = a.Short, cols = a.Cols;
        float[] data = a.Data;
        var b = a.Wide
            ? Matrix<double>.Build.Dense(p, s, (i, j) => data[j * cols + i])
            : Matrix<double>.Build.Dense(p, s, (i, j) => data[i * cols + j]);
        var qr = b.QR(QRMethod.Thin);
        var svd = qr.R.Svd(computeVectors: true);
        var sigma = new float[rank];
        var w = new float[s * rank];
        for (int j = 0; j < rank; j++)
        {
            sigma[j] = (float)svd.S[j];
            for (int i = 0; i < s; i++) w[i * rank + j] = (float)svd.VT[j, i];
        }
        float[]? bw = null;
        if (needBW)
        {
            var u = qr.Q * svd.U.SubMatrix(0, s, 0, rank);
            bw = new float[p * rank];
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < rank; j++) bw[i * rank + j] = (float)(u[i, j] * svd.S[j]);
            }
        }
        return new ShortSideSvd(sigma, w, bw);
    }
}
