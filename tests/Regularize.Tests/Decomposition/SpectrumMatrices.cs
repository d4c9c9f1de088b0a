using MathNet.Numerics.LinearAlgebra;
using Regularize.Tensors;

namespace Regularize.Tests.Decomposition;

/// <summary>Test matrices with a known spectrum, and MathNet.Numerics' float64 SVD as the reference.</summary>
internal static class SpectrumMatrices
{
    /// <summary>
    /// <c>X = 1·μᵀ + U·diag(σ)·Vᵀ</c> with U (m × r) orthonormal and orthogonal to the ones vector (so the column means
    /// of X are exactly μ), V (n × r) orthonormal, both drawn from a seeded Gaussian.
    /// </summary>
    public static Tensor WithSpectrum(int m, int n, double[] sigma, ulong seed, double meanScale = 1.0)
    {
        var rng = new Rng(seed);
        int r = sigma.Length;
        // Draw r + 1 columns with the first the ones vector; orthonormalising keeps the rest orthogonal to it.
        var g = Matrix<double>.Build.Dense(m, r + 1, (i, j) => j == 0 ? 1.0 : rng.NextNormal());
        var u = g.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q.SubMatrix(0, m, 1, r);
        var v = Matrix<double>.Build.Dense(n, r, (_, _) => rng.NextNormal()).QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).Q;
        var x = u * Matrix<double>.Build.DenseOfDiagonalArray(sigma) * v.Transpose();
        var mean = new double[n];
        for (int j = 0; j < n; j++) mean[j] = meanScale * rng.NextNormal();
        var data = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) data[i * n + j] = (float)(x[i, j] + mean[j]);
        }
        return Tensor.FromArray(data, m, n);
    }

    /// <summary>Geometric spectrum σⱼ = scale·decay^j, j = 0…r−1.</summary>
    public static double[] Geometric(int r, double decay, double scale = 10.0) =>
        Enumerable.Range(0, r).Select(j => scale * Math.Pow(decay, j)).ToArray();

    /// <summary>The float64 SVD of the column-centered <paramref name="x"/>, from MathNet.</summary>
    public static MathNet.Numerics.LinearAlgebra.Factorization.Svd<double> CenteredSvd(Tensor x)
    {
        int m = x.Shape[0], n = x.Shape[1];
        var a = Matrix<double>.Build.Dense(m, n, (i, j) => x[i, j]);
        var mean = a.ColumnSums() / m;
        for (int i = 0; i < m; i++) a.SetRow(i, a.Row(i) - mean);
        return a.Svd(computeVectors: true);
    }

    /// <summary>‖a − b‖_F in float64.</summary>
    public static double Distance(Tensor a, Tensor b)
    {
        double sum = 0;
        var x = a.Span;
        var y = b.Span;
        for (int i = 0; i < x.Length; i++) sum += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
        return Math.Sqrt(sum);
    }

    /// <summary>‖a‖_F in float64.</summary>
    public static double Norm(Tensor a)
    {
        double sum = 0;
        foreach (float v in a.Span) sum += (double)v * v;
        return Math.Sqrt(sum);
    }
}
