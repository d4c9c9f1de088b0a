using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// CutMix (Yun et al. 2019, "CutMix: Regularization Strategy to Train Strong Classifiers with Localizable Features"):
/// a rectangle of each image is replaced by the same rectangle of another image of the batch, and the targets are
/// mixed by the area kept, ỹᵢ = λ·yᵢ + (1 − λ)·y_π(i).
/// </summary>
/// <remarks>
/// Per batch, λ ~ Beta(α, α); the box has height ⌊H·√(1 − λ)⌋ and width ⌊W·√(1 − λ)⌋ around a centre drawn uniformly
/// over the image, clipped at the borders, and the same box is used for every example and channel. The targets use
/// the area actually kept, λ = 1 − (box area)/(H·W), as the paper's code does. The default α is 1 (λ uniform).
/// Images are the last two axes of <c>[..., H, W]</c> samples; flattened samples of H·W·channels values work too.
/// </remarks>
public sealed class CutMix : BatchMixer
{
    /// <summary>Creates the mixer.</summary>
    /// <param name="classCount">The number of classes; positive.</param>
    /// <param name="height">The image height H; positive.</param>
    /// <param name="width">The image width W; positive.</param>
    /// <param name="alpha">α of Beta(α, α); positive and finite. 1 by default.</param>
    /// <param name="seed">The seed of λ, π and the boxes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size, α or the class count is out of range.</exception>
    public CutMix(int classCount, int height, int width, double alpha = 1.0, ulong seed = 0) : base(alpha, classCount, seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>The image height H.</summary>
    public int Height { get; }

    /// <summary>The image width W.</summary>
    public int Width { get; }

    /// <summary>The last box, as rows [Top, Bottom) and columns [Left, Right).</summary>
    public (int Top, int Bottom, int Left, int Right) LastBox { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A sample's length is not a multiple of H·W.</exception>
    protected override double MixInputs(ReadOnlySpan<float> source, Span<float> destination, int count, double lambda,
        ReadOnlySpan<int> permutation, Rng rng)
    {
        int d = source.Length / count, plane = Height * Width;
        if (d % plane != 0)
        {
            throw new ArgumentException($"CutMix: a sample of {d} values is not a whole number of {Height}×{Width} images.", nameof(source));
        }
        double cut = Math.Sqrt(1 - lambda);
        int boxH = (int)(Height * cut), boxW = (int)(Width * cut);
        int cy = rng.NextInt(Height), cx = rng.NextInt(Width);
        int top = Math.Clamp(cy - boxH / 2, 0, Height), bottom = Math.Clamp(cy + boxH / 2, 0, Height);
        int left = Math.Clamp(cx - boxW / 2, 0, Width), right = Math.Clamp(cx + boxW / 2, 0, Width);
        LastBox = (top, bottom, left, right);
        source.CopyTo(destination);
        for (int i = 0; i < count; i++)
        {
            int j = permutation[i];
            for (int p = 0; p < d; p += plane)
            {
                for (int r = top; r < bottom; r++)
                {
                    source.Slice(j * d + p + r * Width + left, right - left).CopyTo(destination.Slice(i * d + p + r * Width + left, right - left));
                }
            }
        }
        return 1 - (double)(bottom - top) * (right - left) / plane;
    }
}
