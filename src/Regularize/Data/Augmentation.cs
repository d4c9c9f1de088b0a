namespace Regularize.Data;

/// <summary>
/// Random image transforms a <see cref="DataLoader"/> applies to each example as it fills a batch: random crop with
/// padding, horizontal flip and random erasing (cutout), in that order, on examples of <see cref="Channels"/> ×
/// <see cref="Height"/> × <see cref="Width"/> values (flat or not).
/// </summary>
/// <remarks>
/// <para><b>Transforms</b>, as torchvision's <c>RandomCrop(size, padding)</c>, <c>RandomHorizontalFlip(p)</c> and
/// <c>RandomErasing(p, scale, ratio, value)</c>:</para>
/// <list type="bullet">
/// <item>crop: the image padded by <see cref="CropPadding"/> pixels of <see cref="Fill"/> on every side, then an H×W
/// window at a uniform offset (dy, dx) ∈ [0, 2·pad]², i.e. the image shifted by (dy − pad, dx − pad);</item>
/// <item>flip: with probability <see cref="FlipProbability"/>, each row reversed;</item>
/// <item>erasing: with probability <see cref="ErasingProbability"/>, up to 10 tries of a rectangle of area
/// s·H·W, s ~ U(0.02, 0.33), and aspect r with ln r ~ U(ln 0.3, ln 3.3), h = round(√(s·H·W·r)), w = round(√(s·H·W/r));
/// the first that fits (h &lt; H, w &lt; W) is placed uniformly and set to <see cref="Fill"/> in every channel.</item>
/// </list>
/// <para><b>Randomness and resume.</b> The draws for the example at position j of an epoch come from a SplitMix64
/// stream keyed by the epoch's shuffling state S_e (which <see cref="DataLoaderState"/> holds), j and
/// <see cref="Seed"/>: they depend on nothing else, so a loader restored from its state augments the rest of the epoch
/// exactly as the uninterrupted run would, and no generator state needs saving. Applying the transforms allocates
/// nothing (one scratch image, made once).</para>
/// </remarks>
public sealed class Augmentation
{
    private readonly float[] _scratch;

    /// <summary>Creates the transforms.</summary>
    /// <param name="channels">C; positive.</param>
    /// <param name="height">H; positive.</param>
    /// <param name="width">W; positive.</param>
    /// <param name="cropPadding">The crop's padding in pixels; 0 turns the crop off.</param>
    /// <param name="flipProbability">The probability of a horizontal flip, in [0, 1].</param>
    /// <param name="erasingProbability">The probability of erasing a rectangle, in [0, 1].</param>
    /// <param name="fill">The value of padding and erased pixels (0 is black for pixels in [0, 1]; use the normalised black otherwise).</param>
    /// <param name="seed">Mixed into every example's draws.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument outside its range.</exception>
    public Augmentation(int channels, int height, int width, int cropPadding = 0, double flipProbability = 0,
        double erasingProbability = 0, float fill = 0f, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(cropPadding);
        if (!(flipProbability >= 0 && flipProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(flipProbability), flipProbability, $"flipProbability must be in [0, 1], was {flipProbability}.");
        }
        if (!(erasingProbability >= 0 && erasingProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(erasingProbability), erasingProbability, $"erasingProbability must be in [0, 1], was {erasingProbability}.");
        }
        if (!float.IsFinite(fill)) throw new ArgumentOutOfRangeException(nameof(fill), fill, $"fill must be finite, was {fill}.");
        (Channels, Height, Width, CropPadding, FlipProbability, ErasingProbability, Fill, Seed) =
            (channels, height, width, cropPadding, flipProbability, erasingProbability, fill, seed);
        _scratch = new float[height * width];
    }

    /// <summary>The common recipe for small images: crop with 4 pixels of padding (2 for images of 32 pixels or less), flip with probability ½, erase with probability ½.</summary>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="fill">The value of padding and erased pixels.</param>
    /// <param name="seed">Mixed into every example's draws.</param>
    public static Augmentation Standard(int channels, int height, int width, float fill = 0f, ulong seed = 0) =>
        new(channels, height, width, cropPadding: Math.Max(height, width) <= 32 ? 2 : 4, flipProbability: 0.5, erasingProbability: 0.5, fill, seed);

    /// <summary>C, the channels.</summary>
    public int Channels { get; }

    /// <summary>H, the rows.</summary>
    public int Height { get; }

    /// <summary>W, the columns.</summary>
    public int Width { get; }

    /// <summary>The crop's padding in pixels (0: no crop).</summary>
    public int CropPadding { get; }

    /// <summary>The probability of a horizontal flip.</summary>
    public double FlipProbability { get; }

    /// <summary>The probability of erasing a rectangle.</summary>
    public double ErasingProbability { get; }

    /// <summary>The value of padding and erased pixels.</summary>
    public float Fill { get; }

    /// <summary>Mixed into every example's draws.</summary>
    public ulong Seed { get; }

    /// <summary>Values per example, C·H·W.</summary>
    public int ExampleLength => Channels * Height * Width;

    /// <summary>Applies the transforms in place to one example, with draws keyed by <paramref name="key0"/>…<paramref name="key1"/> (the loader passes its epoch state and the position).</summary>
    internal void Apply(Span<float> example, ulong key0, ulong key1)
    {
        ulong stream = key0 ^ Seed * 0xD1B54A32D192ED03UL;
        stream = Mix(stream ^ Mix(key1 + 0x9E3779B97F4A7C15UL));
        int h = Height, w = Width, plane = h * w;
        if (CropPadding > 0)
        {
            int span = 2 * CropPadding + 1;
            int dy = (int)(Next(ref stream) % (ulong)span) - CropPadding;
            int dx = (int)(Next(ref stream) % (ulong)span) - CropPadding;
            if (dy != 0 || dx != 0)
            {
                for (int c = 0; c < Channels; c++) Shift(example.Slice(c * plane, plane), dy, dx);
            }
        }
        if (FlipProbability > 0 && Uniform(ref stream) < FlipProbability)
        {
            for (int r = 0; r < Channels * h; r++) example.Slice(r * w, w).Reverse();
        }
        if (ErasingProbability > 0 && Uniform(ref stream) < ErasingProbability)
        {
            double area = plane;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                double target = area * (0.02 + (0.33 - 0.02) * Uniform(ref stream));
                double ratio = Math.Exp(Math.Log(0.3) + (Math.Log(3.3) - Math.Log(0.3)) * Uniform(ref stream));
                int eh = (int)Math.Round(Math.Sqrt(target * ratio)), ew = (int)Math.Round(Math.Sqrt(target / ratio));
                if (eh >= h || ew >= w || eh < 1 || ew < 1) continue;
                int top = (int)(Next(ref stream) % (ulong)(h - eh + 1)), left = (int)(Next(ref stream) % (ulong)(w - ew + 1));
                for (int c = 0; c < Channels; c++)
                    for (int r = top; r < top + eh; r++) example.Slice(c * plane + r * w + left, ew).Fill(Fill);
                break;
            }
        }
    }

    /// <summary>out[r, c] = in[r + dy, c + dx], or the fill where that falls outside (a crop of the padded image).</summary>
    private void Shift(Span<float> plane, int dy, int dx)
    {
        int h = Height, w = Width;
        var src = _scratch.AsSpan(0, h * w);
        plane.CopyTo(src);
        for (int r = 0; r < h; r++)
        {
            var row = plane.Slice(r * w, w);
            int sr = r + dy;
            if ((uint)sr >= (uint)h)
            {
                row.Fill(Fill);
                continue;
            }
            int lo = Math.Max(0, -dx), hi = Math.Min(w, w - dx);
            row[..lo].Fill(Fill);
            row[hi..].Fill(Fill);
            if (hi > lo) src.Slice(sr * w + lo + dx, hi - lo).CopyTo(row[lo..hi]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Next(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);

    private static double Uniform(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
}
