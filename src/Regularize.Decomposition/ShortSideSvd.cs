namespace Regularize.Decomposition;

/// <summary>
/// The leading r singular triplets of B (<c>Long × Short</c>, see <see cref="OrientedMatrix"/>):
/// <c>B ≈ U·diag(σ)·Wᵀ</c>, kept as σ, W (<c>Short × r</c>, orthonormal columns) and, when asked for,
/// <c>BW = B·W = U·diag(σ)</c> (<c>Long × r</c>). All row-major.
/// </summary>
/// <param name="Sigma">σ₁ ≥ σ₂ ≥ … ≥ σᵣ ≥ 0.</param>
/// <param name="W">Right singular vectors of B, column j belonging to σⱼ.</param>
/// <param name="BW">B·W, or null when not computed.</param>
internal sealed record ShortSideSvd(float[] Sigma, float[] W, float[]? BW)
{
    /// <summary>r, the number of triplets.</summary>
    public int Rank => Sigma.Length;
}
