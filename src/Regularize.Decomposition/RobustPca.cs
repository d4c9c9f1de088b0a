using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Decomposition;

/// <summary>
/// Robust PCA by principal component pursuit (Candès, Li, Ma &amp; Wright 2011): splits M (<c>m × n</c>) into a
/// low-rank L and a sparse S,
/// <code>
/// minimize ‖L‖_* + λ‖S‖₁  subject to  L + S = M,      λ = 1/√max(m, n) by default,
/// </code>
/// solved by the inexact augmented Lagrange multiplier method (Lin, Chen &amp; Ma 2010, Algorithm 5, with the
/// update order, initialisation and rank prediction of the authors' code). With the soft threshold
/// <c>𝒮_τ(x) = sign(x)·max(|x| − τ, 0)</c> and singular value thresholding <c>𝒟_τ(X) = U·𝒮_τ(Σ)·Vᵀ</c>:
/// <code>
/// Y₀ = M / max(‖M‖₂, ‖M‖_∞/λ),  S₀ = L₀ = 0,  μ₀ = 1.25/‖M‖₂,  μ̄ = 10⁷·μ₀
/// repeat:
///   S ← 𝒮_{λ/μ}(M − L + Y/μ)
///   L ← 𝒟_{1/μ}(M − S + Y/μ)
///   Z ← M − L − S,   Y ← Y + μ·Z,   μ ← min(ρ·μ, μ̄)
/// until ‖Z‖_F / ‖M‖_F &lt; tolerance or maxIterations
/// </code>
/// 𝒟 needs only the singular values above 1/μ: each iteration computes a partial SVD of rank sv by the randomized
/// range finder (see <see cref="Pca"/>'s randomized solver), grows sv by 5% of min(m, n) for as long as the smallest
/// singular value found is still above 1/μ, and predicts the next sv from the rank kept (svp + 1 if it fell short of
/// sv, else svp + 5% of min(m, n)). When sv reaches half of min(m, n) the exact Gram-matrix SVD is used instead.
/// Either way one refinement sweep (<c>TruncatedSvd.Refine</c>) brings the singular values near 1/μ to float32
/// accuracy; without it the residual stalls near 10⁻⁵ on noisy data.
/// </summary>
public sealed class RobustPca
{
    private readonly double? _lambda;
    private readonly double? _mu;

    /// <summary>Configures the solver; nothing is computed until <see cref="Fit"/>.</summary>
    /// <param name="lambda">λ, the weight of ‖S‖₁; null for the paper's 1/√max(m, n).</param>
    /// <param name="mu">μ₀, the initial penalty; null for 1.25/‖M‖₂.</param>
    /// <param name="rho">ρ &gt; 1, the growth of μ per iteration (1.5 in the authors' code).</param>
    /// <param name="tolerance">
    /// The stopping tolerance on ‖M − L − S‖_F / ‖M‖_F. The papers use 10⁻⁷ in float64; that is about two units of
    /// float32 roundoff (6·10⁻⁸), which exactly low-rank plus sparse data still reach but noisy data (a real video) do
    /// not, so the default is 10⁻⁶.
    /// </param>
    /// <param name="maxIterations">The most iterations to run.</param>
    /// <param name="seed">The seed of the randomized partial SVDs.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or out of its range (named in the message).</exception>
    public RobustPca(double? lambda = null, double? mu = null, double rho = 1.5, double tolerance = 1e-6,
        int maxIterations = 1000, ulong seed = 0)
    {
        if (lambda is { } l && !(l > 0 && double.IsFinite(l)))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"RobustPca: lambda must be positive and finite (or null for 1/√max(m, n)), was {lambda}.");
        if (mu is { } u && !(u > 0 && double.IsFinite(u)))
            throw new ArgumentOutOfRangeException(nameof(mu), mu, $"RobustPca: mu must be positive and finite (or null for 1.25/‖M‖₂), was {mu}.");
        if (!(rho > 1 && double.IsFinite(rho)))
            throw new ArgumentOutOfRangeException(nameof(rho), rho, $"RobustPca: rho must be greater than 1 and finite, was {rho}.");
        if (!(tolerance > 0 && double.IsFinite(tolerance)))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"RobustPca: tolerance must be positive and finite, was {tolerance}.");
        if (maxIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, $"RobustPca: maxIterations must be at least 1, was {maxIterations}.");
        _lambda = lambda;
        _mu = mu;
        Rho = rho;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
        Seed = seed;
    }

    /// <summary>ρ, the growth of μ per iteration.</summary>
    public double Rho { get; }

    /// <summary>The stopping tolerance on the relative residual.</summary>
    public double Tolerance { get; }

    /// <summary>The most iterations to run.</summary>
    public int MaxIterations { get; }

    /// <summary>The seed of the randomized partial SVDs.</summary>
    public ulong Seed { get; }

    /// <summary>Splits <paramref name="m"/> (<c>[rows, cols]</c>) into low-rank plus sparse.</summary>
    /// <exception cref="ArgumentException">m is not 2-D, is empty, holds NaN or ±∞, or is all zeros.</exception>
    public RobustPcaResult Fit(Tensor m)
    {
        MatrixInput.Check(m, nameof(m), "RobustPca.Fit");
        int rows = m.Shape[0], cols = m.Shape[1], count = rows * cols;
        float[] d = m.Span.ToArray();
        double normF = 0, normInf = 0;
        foreach (float v in d)
        {
            normF += (double)v * v;
            normInf = Math.Max(normInf, Math.Abs(v));
        }
        normF = Math.Sqrt(normF);
        if (normF == 0)
        {
            throw new ArgumentException($"RobustPca.Fit: m (shape {m.Shape}) is all zeros; there is nothing to split.", nameof(m));
        }
        var rng = new Rng(Seed);
        int small = Math.Min(rows, cols);
        var input = new OrientedMatrix(d, rows, cols);
        double norm2 = small <= 64
            ? TruncatedSvd.Covariance(input, 1, needBW: false).Sigma[0]
            : TruncatedSvd.Randomized(input, 1, 9, 4, rng, needBW: false).Sigma[0];
        double lambda = _lambda ?? 1.0 / Math.Sqrt(Math.Max(rows, cols));
        double mu = _mu ?? 1.25 / norm2, muBar = mu * 1e7;
        double dual = Math.Max(norm2, normInf / lambda);

        var y = new float[count];
        for (int i = 0; i < count; i++) y[i] = (float)(d[i] / dual);
        var low = new float[count];
        var sparse = new float[count];
        var x = new float[count];
        var xMatrix = new OrientedMatrix(x, rows, cols);
        int sv = Math.Min(10, small), rank = 0, iteration = 0;
        double residual = double.PositiveInfinity;
        bool converged = false;
        while (iteration < MaxIterations)
        {
            iteration++;
            float invMu = (float)(1.0 / mu), shrinkS = (float)(lambda / mu);
            // S ← 𝒮_{λ/μ}(M − L + Y/μ), and X ← M − S + Y/μ for the thresholding of L.
            for (int i = 0; i < count; i++)
            {
                float t = d[i] - low[i] + y[i] * invMu;
                float s = t > shrinkS ? t - shrinkS : t < -shrinkS ? t + shrinkS : 0f;
                sparse[i] = s;
                x[i] = d[i] - s + y[i] * invMu;
            }
            rank = Threshold(xMatrix, invMu, ref sv, rng, low);
            // Z ← M − L − S, Y ← Y + μZ.
            double z2 = 0;
            float muF = (float)mu;
            for (int i = 0; i < count; i++)
            {
                float z = d[i] - low[i] - sparse[i];
                y[i] += muF * z;
                z2 += (double)z * z;
            }
            mu = Math.Min(mu * Rho, muBar);
            residual = Math.Sqrt(z2) / normF;
            if (residual < Tolerance)
            {
                converged = true;
                break;
            }
        }
        long nonzeros = 0;
        foreach (float s in sparse) nonzeros += s != 0f ? 1 : 0;
        return new RobustPcaResult(Tensor.FromArray(low, rows, cols), Tensor.FromArray(sparse, rows, cols),
            iteration, converged, rank, nonzeros, residual, lambda);
    }

    /// <summary>
    /// <c>low ← 𝒟_τ(X)</c>; returns the rank kept and updates the predicted rank <paramref name="sv"/> for the next call.
    /// </summary>
    private static int Threshold(OrientedMatrix x, float tau, ref int sv, Rng rng, float[] low)
    {
        int small = x.Short;
        int step = Math.Max(1, (int)Math.Round(0.05 * small));
        ShortSideSvd svd;
        while (true)
        {
            if (2 * sv >= small)
            {
                svd = TruncatedSvd.Covariance(x, small, needBW: true);
                break;
            }
            svd = TruncatedSvd.Randomized(x, sv, oversampling: 10, powerIterations: 2, rng, needBW: true);
            if (svd.Sigma[sv - 1] <= tau) break;
            sv = Math.Min(sv + step, small);
        }
        svd = TruncatedSvd.Refine(svd, x.Long, small);
        int r = svd.Rank, kept = 0;
        while (kept < r && svd.Sigma[kept] > tau) kept++;
        sv = kept < sv ? Math.Min(kept + 1, small) : Math.Min(kept + step, small);
        if (kept == 0)
        {
            Array.Clear(low);
            return 0;
        }
        // L_B = BW·diag((σ − τ)/σ)·Wᵀ: the factor lies in [0, 1), and U is never formed.
        float[] bw = svd.BW!;
        int p = x.Long;
        for (int i = 0; i < p; i++)
        {
            var row = bw.AsSpan(i * r, kept);
            for (int j = 0; j < kept; j++) row[j] *= (svd.Sigma[j] - tau) / svd.Sigma[j];
        }
        int mdop = Parallelism.MaxDegreeOfParallelism;
        if (x.Wide)
            Gemm.Multiply(false, true, small, p, kept, svd.W, r, bw, r, low, p, maxDegreeOfParallelism: mdop);
        else
            Gemm.Multiply(false, true, p, small, kept, bw, r, svd.W, r, low, small, maxDegreeOfParallelism: mdop);
        return kept;
    }
}
