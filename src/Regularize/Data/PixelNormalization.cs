namespace Regularize.Data;

/// <summary>
/// A per-pixel affine normalisation applied after scaling to [0, 1]: <c>x ↦ (x − Mean) / Std</c>.
/// </summary>
public readonly record struct PixelNormalization
{
    /// <summary>Creates a normalisation.</summary>
    /// <param name="mean">The value subtracted; finite.</param>
    /// <param name="std">The divisor; finite and positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">The mean is not finite, or the std is not finite and positive.</exception>
    public PixelNormalization(float mean, float std)
    {
        if (!float.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "mean must be finite.");
        if (!float.IsFinite(std) || std <= 0) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be finite and positive.");
        Mean = mean;
        Std = std;
    }

    /// <summary>The value subtracted from each pixel.</summary>
    public float Mean { get; }

    /// <summary>The divisor applied after subtracting <see cref="Mean"/>.</summary>
    public float Std { get; }
}
