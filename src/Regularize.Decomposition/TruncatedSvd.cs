using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Decomposition;

/// <summary>
/// The leading singular triplets of B (<c>Long × Short</c>) computed from a Gram matrix: exactly from <c>BᵀB</c>, or
/// from a randomized range finder. The long-side products run on <see cref="Gemm"/> in float32; only small
/// matrices (<c>Short × l</c>, <c>l × l</c>) go to <see cref="DenseFactorizations"/> in float64.
/// </summary>
internal static class TruncatedSvd
{
    /// <summary>
    /// Exact: <c>G = BᵀB = W·diag(σ²)·Wᵀ</c> (scikit-learn's <c>covariance_eigh</c>). One product of
    /// <c>Long·Short²</c> multiply-adds, then an eigendecomposition of <c>Short × Short</c>. Squaring B costs relative
    /// accuracy in the small singular values: σᵢ is found to about <c>ε·σ₁²/σᵢ</c> (ε the float32 unit roundoff).
    /// </summary>
    public static ShortSideSvd Covariance(OrientedMatrix a, int rank, bool needBW)
    {
        int s = a.Short;
        var (values, vectors) = DenseFactorizations.SymmetricEigen(a.Gram(), s);
        return FromEigen(a, values, vectors, s, rank, needBW);
    }

    /// <summary>
    /// Randomized (Halko, Martinsson &amp; Tropp 2011, Algorithms 4.4 and 5.1, on the short side):
    /// <code>
    /// Ω ~ N(0, 1)^(Short × l),  l = min(rank + oversampling, Short)
    /// Z ← orth(Ω)
    /// repeat q + 1 times:  Z ← orth(Bᵀ·(B·Z))          (so span Z = span (BᵀB)^(q+1)·Ω)
    /// Y ← B·Z,  YᵀY = E·diag(σ²)·Eᵀ,  W ← Z·E,  BW ← Y·E
    /// </code>
    /// This is Halko's range finder with q power iterations applied to Bᵀ with the test matrix B·Ω, so its error
    /// bounds hold; the re-orthonormalization is done on the short side only (a thin QR of <c>Short × l</c>), where
    /// it is cheap, and the products with B are never orthonormalized on the long side. The price is that directions
    /// with σᵢ &lt; √ε·σ₁ (about 2.4·10⁻⁴·σ₁ in float32) are not resolved, far below what a PCA or the singular value
    /// thresholding of robust PCA keeps.
    /// </summary>
    public static ShortSideSvd Randomized(OrientedMatrix a, int rank, int oversampling, int powerIterations, Rng rng, bool needBW)
    {
        int p = a.Long, s = a.Short;
        int l = Math.Min(rank + oversampling, s);
        var z = new float[s * l];
        rng.FillNormal(z, 0f, 1f);
        DenseFactorizations.Orthonormalize(z, s, l);
        var y = new float[p * l];
        for (int iteration = 0; iteration <= powerIterations; iteration++)
        {
            a.MultiplyShort(z, l, y);
            a.MultiplyLongTransposed(y, l, z);
            DenseFactorizations.Orthonormalize(z, s, l);
        }
        a.MultiplyShort(z, l, y);
        var g = new float[l * l];
        Gemm.Multiply(true, false, l, l, p, y, l, y, l, g, l, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        var (values, vectors) = DenseFactorizations.SymmetricEigen(g, l);
        // W = Z·E: the basis rotated onto the singular directions.
        var e = vectors.AsSpan(0, l * l);
        var w = new float[s * l];
        Gemm.Multiply(false, false, s, l, l, z, l, e, l, w, l);
        float[]? bw = null;
        if (needBW)
        {
            bw = new float[p * l];
            Gemm.Multiply(false, false, p, l, l, y, l, e, l, bw, l, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        }
        return Truncate(values, w, bw, l, rank, p, s);
    }

    /// <summary>
    /// One refinement sweep: with <c>BW = B·W</c> (nearly orthogonal columns), <c>(BW)ᵀ(BW) = R·diag(σ²)·Rᵀ</c>, then
    /// <c>W ← W·R</c>, <c>BW ← BW·R</c>. The first Gram matrix rounds every entry to about ε·σ₁², which blurs the small
    /// singular values; in the second, each entry is rounded relative to its own two columns, so small singular values
    /// and their directions come out to about ε relative accuracy (the idea of CholeskyQR2).
    /// </summary>
    public static ShortSideSvd Refine(ShortSideSvd svd, int p, int s)
    {
        int r = svd.Rank;
        float[] bw = svd.BW ?? throw new InvalidOperationException("Refine needs B·W.");
        var g = new float[r * r];
        int mdop = Parallelism.MaxDegreeOfParallelism;
        Gemm.Multiply(true, false, r, r, p, bw, r, bw, r, g, r, maxDegreeOfParallelism: mdop);
        var (values, rotation) = DenseFactorizations.SymmetricEigen(g, r);
        var w = new float[s * r];
        Gemm.Multiply(false, false, s, r, r, svd.W, r, rotation, r, w, r, maxDegreeOfParallelism: mdop);
        var bw2 = new float[p * r];
        Gemm.Multiply(false, false, p, r, r, bw, r, rotation, r, bw2, r, maxDegreeOfParallelism: mdop);
        var sigma = new float[r];
        for (int j = 0; j < r; j++) sigma[j] = (float)Math.Sqrt(Math.Max(values[j], 0.0));
        return new ShortSideSvd(sigma, w, bw2);
    }

    private static ShortSideSvd FromEigen(OrientedMatrix a, double[] values, float[] vectors, int n, int rank, bool needBW)
    {
        float[]? bw = null;
        if (needBW)
        {
            bw = new float[a.Long * n];
            a.MultiplyShort(vectors, n, bw);
        }
        return Truncate(values, vectors, bw, n, rank, a.Long, a.Short);
    }

    /// <summary>Keeps the first <paramref name="rank"/> of <paramref name="columns"/> columns; σ = √max(λ, 0).</summary>
    private static ShortSideSvd Truncate(double[] values, float[] w, float[]? bw, int columns, int rank, int p, int s)
    {
        var sigma = new float[rank];
        for (int j = 0; j < rank; j++) sigma[j] = (float)Math.Sqrt(Math.Max(values[j], 0.0));
        return new ShortSideSvd(sigma, KeepColumns(w, s, columns, rank), bw is null ? null : KeepColumns(bw, p, columns, rank));
    }

    private static float[] KeepColumns(float[] x, int rows, int columns, int keep)
    {
        if (keep == columns) return x;
        var y = new float[rows * keep];
        for (int i = 0; i < rows; i++) x.AsSpan(i * columns, keep).CopyTo(y.AsSpan(i * keep, keep));
        return y;
    }
}
