using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Decomposition;

/// <summary>
/// Principal component analysis of a data matrix X (<c>m × n</c>: rows are samples, columns are features).
/// </summary>
/// <remarks>
/// <para>
/// With the column means μ and the centered data <c>A = X − 1·μᵀ</c>, the singular value decomposition
/// <c>A = U·diag(σ)·Vᵀ</c> gives the first k components (the rows of <see cref="Components"/>, the first k rows of
/// Vᵀ), their <see cref="SingularValues"/> σⱼ, the <see cref="ExplainedVariance"/> <c>σⱼ²/(m − 1)</c> and its
/// <see cref="ExplainedVarianceRatio"/> (over the total variance <c>‖A‖²_F/(m − 1)</c>).
/// <see cref="Transform"/> maps x to <c>z = Vₖᵀ(x − μ)</c>, divided by <c>√(σⱼ²/(m − 1))</c> when
/// <c>whiten</c>; <see cref="InverseTransform"/> maps back, <c>x̂ = μ + Vₖ·z</c> (times the same scale when whitened),
/// and the squared reconstruction error of the training data is the sum of the discarded σⱼ².
/// </para>
/// <para>
/// The signs follow scikit-learn's <c>svd_flip</c> (<c>u_based_decision=False</c>): in each component the entry of
/// largest magnitude is positive. The solvers are described at <see cref="PcaSolver"/>.
/// </para>
/// </remarks>
public sealed class Pca
{
    private readonly int? _requested;
    private readonly bool _whiten;
    private readonly int _oversampling;
    private readonly int? _powerIterations;
    private readonly ulong _seed;
    private Fitted? _fit;

    /// <summary>Configures a PCA; nothing is computed until <see cref="Fit"/>.</summary>
    /// <param name="components">k, the number of components to keep; null keeps min(samples, features).</param>
    /// <param name="solver">How the SVD is computed; <see cref="PcaSolver.Auto"/> chooses from the shape.</param>
    /// <param name="whiten">Scale the transformed coordinates to unit variance.</param>
    /// <param name="oversampling">Randomized solver: extra random directions p beyond k (scikit-learn's 10).</param>
    /// <param name="powerIterations">Randomized solver: power iterations q; null picks 7 when k &lt; 0.1·min(samples, features), else 4 (as scikit-learn).</param>
    /// <param name="seed">Randomized solver: the seed of the Gaussian test matrix.</param>
    /// <exception cref="ArgumentOutOfRangeException">components &lt; 1, oversampling &lt; 0, powerIterations &lt; 0, or an unknown solver.</exception>
    public Pca(int? components = null, PcaSolver solver = PcaSolver.Auto, bool whiten = false,
        int oversampling = 10, int? powerIterations = null, ulong seed = 0)
    {
        if (components is < 1)
            throw new ArgumentOutOfRangeException(nameof(components), components, $"Pca: components must be at least 1 (or null for all), was {components}.");
        if (!Enum.IsDefined(solver))
            throw new ArgumentOutOfRangeException(nameof(solver), solver, $"Pca: unknown solver {solver}.");
        if (oversampling < 0)
            throw new ArgumentOutOfRangeException(nameof(oversampling), oversampling, $"Pca: oversampling must be 0 or more, was {oversampling}.");
        if (powerIterations is < 0)
            throw new ArgumentOutOfRangeException(nameof(powerIterations), powerIterations, $"Pca: powerIterations must be 0 or more, was {powerIterations}.");
        _requested = components;
        Solver = solver;
        _whiten = whiten;
        _oversampling = oversampling;
        _powerIterations = powerIterations;
        _seed = seed;
    }

    /// <summary>The solver asked for (possibly <see cref="PcaSolver.Auto"/>).</summary>
    public PcaSolver Solver { get; }

    /// <summary>The solver that the last <see cref="Fit"/> used (never <see cref="PcaSolver.Auto"/>).</summary>
    public PcaSolver SolverUsed => Get().Solver;

    /// <summary>Whether <see cref="Transform"/> whitens.</summary>
    public bool Whiten => _whiten;

    /// <summary>k, the number of components kept.</summary>
    public int ComponentCount => Get().K;

    /// <summary>n, the number of features seen by <see cref="Fit"/>.</summary>
    public int Features => Get().N;

    /// <summary>m, the number of samples seen by <see cref="Fit"/>.</summary>
    public int Samples => Get().M;

    /// <summary>The components, the first k rows of Vᵀ, as a <c>[k, n]</c> tensor (a new copy on each call).</summary>
    public Tensor Components => NewTensor(Get().Components, Get().K, Get().N);

    /// <summary>μ, the feature means of the training data, as an <c>[n]</c> tensor (a new copy on each call).</summary>
    public Tensor Mean => Tensor.FromArray(Array.ConvertAll(Get().Mean, v => (float)v));

    /// <summary>σ₁ ≥ … ≥ σₖ, the singular values of the centered data.</summary>
    public float[] SingularValues => (float[])Get().Sigma.Clone();

    /// <summary>σⱼ²/(m − 1), the variance of the data along each component.</summary>
    public float[] ExplainedVariance => Array.ConvertAll(Get().Variance, v => (float)v);

    /// <summary>Each component's share of the total variance <c>‖A‖²_F/(m − 1)</c> (0 when the data are constant).</summary>
    public float[] ExplainedVarianceRatio
    {
        get
        {
            var f = Get();
            return Array.ConvertAll(f.Variance, v => f.TotalVariance > 0 ? (float)(v / f.TotalVariance) : 0f);
        }
    }

    /// <summary>The total variance <c>‖A‖²_F/(m − 1)</c>, the sum of the variances of all features.</summary>
    public double TotalVariance => Get().TotalVariance;

    /// <summary>Fits the components to <paramref name="x"/> (<c>[m, n]</c>); returns this PCA.</summary>
    /// <exception cref="ArgumentException">x is not 2-D, has fewer than 2 rows or no column, or holds NaN or ±∞; or k exceeds min(m, n).</exception>
    public Pca Fit(Tensor x)
    {
        MatrixInput.Check(x, nameof(x), "Pca.Fit", minRows: 2);
        int m = x.Shape[0], n = x.Shape[1], small = Math.Min(m, n);
        int k = _requested ?? small;
        if (k > small)
        {
            throw new ArgumentException(
                $"Pca.Fit: {k} components were asked for, but data of shape {x.Shape} have at most min({m}, {n}) = {small}.", nameof(x));
        }
        ReadOnlySpan<float> data = x.Span;
        var mean = new double[n];
        for (int i = 0; i < m; i++)
        {
            var row = data.Slice(i * n, n);
            for (int j = 0; j < n; j++) mean[j] += row[j];
        }
        for (int j = 0; j < n; j++) mean[j] /= m;
        var centered = new float[m * n];
        double squares = 0;
        for (int i = 0; i < m; i++)
        {
            var row = data.Slice(i * n, n);
            var c = centered.AsSpan(i * n, n);
            for (int j = 0; j < n; j++)
            {
                c[j] = (float)(row[j] - mean[j]);
                squares += (double)c[j] * c[j];
            }
        }

        var solver = Solver == PcaSolver.Auto ? Choose(m, n, k) : Solver;
        var a = new OrientedMatrix(centered, m, n);
        ShortSideSvd svd = solver switch
        {
            PcaSolver.Full => DenseFactorizations.FullSvd(a, k, needBW: a.Wide),
            PcaSolver.Covariance => TruncatedSvd.Covariance(a, k, needBW: a.Wide),
            _ => TruncatedSvd.Randomized(a, k, _oversampling, _powerIterations ?? (k < 0.1 * small ? 7 : 4), new Rng(_seed), needBW: a.Wide),
        };

        // Components as rows: columns of W when A is tall, columns of U = BW·diag(1/σ) when wide.
        var components = new float[k * n];
        for (int j = 0; j < k; j++)
        {
            var row = components.AsSpan(j * n, n);
            if (a.Wide)
            {
                float sigma = svd.Sigma[j];
                for (int i = 0; i < n; i++) row[i] = sigma > 0 ? svd.BW![i * k + j] / sigma : 0f;
            }
            else
            {
                for (int i = 0; i < n; i++) row[i] = svd.W[i * k + j];
            }
        }
        SignConvention.FlipRows(components, k, n);
        var variance = Array.ConvertAll(svd.Sigma, s => (double)s * s / (m - 1));
        _fit = new Fitted(solver, m, n, k, mean, components, svd.Sigma, variance, squares / (m - 1));
        return this;
    }

    /// <summary>The coordinates <c>z = Vₖᵀ(x − μ)</c> of each row of <paramref name="x"/> (<c>[rows, n]</c> → <c>[rows, k]</c>), whitened if configured.</summary>
    /// <exception cref="InvalidOperationException">The PCA has not been fitted.</exception>
    /// <exception cref="ArgumentException">x is not 2-D, its column count is not n, or it holds NaN or ±∞.</exception>
    public Tensor Transform(Tensor x)
    {
        var f = Get();
        MatrixInput.Check(x, nameof(x), "Pca.Transform", minRows: 0);
        if (x.Shape[1] != f.N)
        {
            throw new ArgumentException($"Pca.Transform: x has shape {x.Shape}, but the PCA was fitted on {f.N} features.", nameof(x));
        }
        int rows = x.Shape[0];
        var z = Tensor.Zeros(new Shape(rows, f.K));
        ReadOnlySpan<float> data = x.Span;
        Span<float> output = z.Span;
        const int Block = 256; // rows centered at a time: exact centering without a copy of the whole input
        var buffer = new float[Math.Min(Block, Math.Max(rows, 1)) * f.N];
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int count = Math.Min(Block, rows - r0);
            for (int i = 0; i < count; i++)
            {
                var row = data.Slice((r0 + i) * f.N, f.N);
                var c = buffer.AsSpan(i * f.N, f.N);
                for (int j = 0; j < f.N; j++) c[j] = (float)(row[j] - f.Mean[j]);
            }
            Gemm.Multiply(false, true, count, f.K, f.N, buffer, f.N, f.Components, f.N,
                output.Slice(r0 * f.K, count * f.K), f.K, maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        }
        if (_whiten)
        {
            for (int j = 0; j < f.K; j++)
            {
                float scale = f.Variance[j] > 0 ? (float)(1.0 / Math.Sqrt(f.Variance[j])) : 0f;
                for (int i = 0; i < rows; i++) output[i * f.K + j] *= scale;
            }
        }
        return z;
    }

    /// <summary>Maps coordinates back to feature space: <c>x̂ = μ + Vₖ·z</c> (<c>[rows, k]</c> → <c>[rows, n]</c>), undoing the whitening if configured.</summary>
    /// <exception cref="InvalidOperationException">The PCA has not been fitted.</exception>
    /// <exception cref="ArgumentException">z is not 2-D, its column count is not k, or it holds NaN or ±∞.</exception>
    public Tensor InverseTransform(Tensor z)
    {
        var f = Get();
        MatrixInput.Check(z, nameof(z), "Pca.InverseTransform", minRows: 0);
        if (z.Shape[1] != f.K)
        {
            throw new ArgumentException($"Pca.InverseTransform: z has shape {z.Shape}, but the PCA keeps {f.K} components.", nameof(z));
        }
        int rows = z.Shape[0];
        var basis = f.Components;
        if (_whiten)
        {
            basis = (float[])basis.Clone();
            for (int j = 0; j < f.K; j++)
            {
                float scale = (float)Math.Sqrt(f.Variance[j]);
                foreach (ref float v in basis.AsSpan(j * f.N, f.N)) v *= scale;
            }
        }
        var x = Tensor.Zeros(new Shape(rows, f.N));
        Span<float> output = x.Span;
        Gemm.Multiply(false, false, rows, f.N, f.K, z.Span, f.K, basis, f.N, output, f.N,
            maxDegreeOfParallelism: Parallelism.MaxDegreeOfParallelism);
        for (int i = 0; i < rows; i++)
        {
            var row = output.Slice(i * f.N, f.N);
            for (int j = 0; j < f.N; j++) row[j] = (float)(row[j] + f.Mean[j]);
        }
        return x;
    }

    /// <summary>The solver <see cref="PcaSolver.Auto"/> picks for m samples, n features and k components.</summary>
    public static PcaSolver Choose(int samples, int features, int components)
    {
        if (features <= 1000 && samples >= 10L * features) return PcaSolver.Covariance;
        if (Math.Max(samples, features) <= 500) return PcaSolver.Full;
        return components < 0.8 * Math.Min(samples, features) ? PcaSolver.Randomized : PcaSolver.Full;
    }

    private Fitted Get() => _fit ?? throw new InvalidOperationException("Pca: call Fit before reading the components or transforming.");

    private static Tensor NewTensor(float[] data, int rows, int cols) => Tensor.FromArray(data, rows, cols);

    private sealed record Fitted(PcaSolver Solver, int M, int N, int K, double[] Mean, float[] Components,
        float[] Sigma, double[] Variance, double TotalVariance);
}
