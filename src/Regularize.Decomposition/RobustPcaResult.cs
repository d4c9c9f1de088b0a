using Regularize.Tensors;

namespace Regularize.Decomposition;

/// <summary>The outcome of <see cref="RobustPca.Fit"/>: <c>M ≈ L + S</c> and how the solver got there.</summary>
public sealed class RobustPcaResult
{
    internal RobustPcaResult(Tensor lowRank, Tensor sparse, int iterations, bool converged, int rank, long nonzeros,
        double residual, double lambda)
    {
        LowRank = lowRank;
        Sparse = sparse;
        Iterations = iterations;
        Converged = converged;
        Rank = rank;
        Nonzeros = nonzeros;
        Residual = residual;
        Lambda = lambda;
    }

    /// <summary>L, the low-rank part (the same shape as M): in a video, the background.</summary>
    public Tensor LowRank { get; }

    /// <summary>S, the sparse part (the same shape as M): in a video, the moving foreground.</summary>
    public Tensor Sparse { get; }

    /// <summary>The iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Whether the stopping rule <c>‖M − L − S‖_F / ‖M‖_F &lt; tolerance</c> was met before the iteration limit.</summary>
    public bool Converged { get; }

    /// <summary>rank(L): the number of singular values that survived the last singular value thresholding.</summary>
    public int Rank { get; }

    /// <summary>‖S‖₀, the number of nonzero entries of S.</summary>
    public long Nonzeros { get; }

    /// <summary>‖S‖₀ / (m·n), the fraction of entries of S that are nonzero.</summary>
    public double NonzeroFraction => (double)Nonzeros / Sparse.Length;

    /// <summary>The final relative residual <c>‖M − L − S‖_F / ‖M‖_F</c>.</summary>
    public double Residual { get; }

    /// <summary>λ, the weight of ‖S‖₁ that was used.</summary>
    public double Lambda { get; }
}
