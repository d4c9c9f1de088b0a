namespace Regularize.Decomposition;

/// <summary>How <see cref="Pca"/> computes the singular value decomposition of the centered data.</summary>
public enum PcaSolver
{
    /// <summary>
    /// Chosen from the shape, as scikit-learn 1.5 does: <see cref="Covariance"/> when there are at most 1000
    /// features and at least 10 times as many samples; otherwise <see cref="Full"/> when the larger side is at most
    /// 500 or the components asked for are at least 80% of min(samples, features); otherwise <see cref="Randomized"/>.
    /// </summary>
    Auto,

    /// <summary>Exact, in float64 by MathNet.Numerics: thin QR of the centered data, then the SVD of the small triangular factor. Slow on large data; the reference.</summary>
    Full,

    /// <summary>Exact: eigendecomposition of the Gram matrix of the centered data (features × features, or samples × samples when wider than tall), formed on the packed float32 GEMM.</summary>
    Covariance,

    /// <summary>Randomized range finder with oversampling and power iterations (Halko, Martinsson &amp; Tropp 2011), seeded.</summary>
    Randomized,
}
