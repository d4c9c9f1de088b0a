using Regularize.Data;
using Regularize.Tensors;

namespace Regularize.Lab.Experiments;

/// <summary>
/// Builds a video with a known foreground from Fashion-MNIST (pixels in [0, 1]). The background is a fixed texture
/// of data-set images tiled edge to edge, dimmed to <c>b = 0.15 + 0.5·pixel</c>; its illumination drifts slowly,
/// <c>b·(1 + 0.2·sin(2πt/T)) + 0.05·sin(πt/T)·(x/W − ½)</c> at frame t of T and column x of W; Gaussian noise
/// (σ = 0.02) is added to every pixel. A few other images move across it in straight lines and bounce off the
/// edges; where an item's pixel exceeds 0.25 it covers the background, and that pixel is foreground in the truth.
/// </summary>
internal static class SyntheticVideo
{
    public const float Noise = 0.02f;
    private const float ItemSupport = 0.25f;

    public static Video Make(InMemoryDataset images, int frames, int height, int width, int items, ulong seed)
    {
        int side = (int)Math.Round(Math.Sqrt(images.SampleShape.Length));
        if (side * side != images.SampleShape.Length)
            throw new Cli.LabException($"the data set's images have {images.SampleShape.Length} pixels, not a square; cannot tile them.");
        if (height < side || width < side)
            throw new Cli.LabException($"--height and --width must be at least the image side {side}, were {height} and {width}.");
        var rng = new Rng(seed);
        float[] Image()
        {
            var pixels = new float[side * side];
            images.Get(rng.NextInt(images.Count), pixels);
            return pixels;
        }

        // The fixed texture: tiles of data-set images.
        var texture = new float[height * width];
        for (int ty = 0; ty < height; ty += side)
        {
            for (int tx = 0; tx < width; tx += side)
            {
                var tile = Image();
                for (int y = ty; y < Math.Min(ty + side, height); y++)
                {
                    for (int x = tx; x < Math.Min(tx + side, width); x++) texture[y * width + x] = 0.15f + 0.5f * tile[(y - ty) * side + (x - tx)];
                }
            }
        }

        // Items: an image, a start and a velocity (pixels per frame) that carries it across the frame about 1–2 times.
        var sprites = new (float[] Pixels, double X, double Y, double Vx, double Vy)[items];
        for (int k = 0; k < items; k++)
        {
            double speed = (1 + rng.NextDouble()) * Math.Max(width, height) / frames;
            double angle = 2 * Math.PI * rng.NextDouble();
            sprites[k] = (Image(), rng.NextDouble() * (width - side), rng.NextDouble() * (height - side), speed * Math.Cos(angle), speed * Math.Sin(angle));
        }

        var pixels = new float[frames * height * width];
        var truth = new bool[pixels.Length];
        var noise = new float[height * width];
        for (int t = 0; t < frames; t++)
        {
            double gain = 1 + 0.2 * Math.Sin(2 * Math.PI * t / frames), tilt = 0.05 * Math.Sin(Math.PI * t / frames);
            var frame = pixels.AsSpan(t * height * width, height * width);
            var mask = truth.AsSpan(t * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++) frame[y * width + x] = (float)(texture[y * width + x] * gain + tilt * ((double)x / width - 0.5));
            }
            foreach (var s in sprites)
            {
                int left = Bounce(s.X + s.Vx * t, width - side), top = Bounce(s.Y + s.Vy * t, height - side);
                for (int y = 0; y < side; y++)
                {
                    for (int x = 0; x < side; x++)
                    {
                        float v = s.Pixels[y * side + x];
                        if (v <= ItemSupport) continue;
                        int at = (top + y) * width + left + x;
                        frame[at] = v;
                        mask[at] = true;
                    }
                }
            }
            rng.FillNormal(noise, 0f, Noise);
            for (int i = 0; i < frame.Length; i++) frame[i] = Math.Clamp(frame[i] + noise[i], 0f, 1f);
        }
        return new Video(frames, height, width, pixels, truth,
            $"synthetic: {frames} frames of {height}×{width}, {items} moving item{(items == 1 ? "" : "s")} on a tiled background with drifting light, noise σ = {Noise}");
    }

    /// <summary>Reflects a position into [0, limit] (a bounce off both edges).</summary>
    private static int Bounce(double position, int limit)
    {
        if (limit <= 0) return 0;
        double period = 2.0 * limit, p = position % period;
        if (p < 0) p += period;
        return (int)Math.Round(p <= limit ? p : period - p);
    }
}
