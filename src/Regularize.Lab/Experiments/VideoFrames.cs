using SkiaSharp;
using Regularize.Lab.Cli;

namespace Regularize.Lab.Experiments;

/// <summary>Reads a folder of PNG frames (a user's own video) into a <see cref="Video"/>, in file-name order, as grey levels.</summary>
internal static class VideoFrames
{
    public static Video Read(string folder, int maxFrames)
    {
        if (!Directory.Exists(folder)) throw new LabException($"--frames folder '{folder}' does not exist.");
        var files = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).Take(maxFrames).ToArray();
        if (files.Length < 2) throw new LabException($"--frames folder '{folder}' holds {files.Length} PNG file{(files.Length == 1 ? "" : "s")}; a video needs at least 2 frames.");
        int height = 0, width = 0;
        float[] pixels = [];
        for (int t = 0; t < files.Length; t++)
        {
            using var bitmap = SKBitmap.Decode(files[t]) ?? throw new LabException($"'{files[t]}' is not a PNG image that can be read.");
            if (t == 0)
            {
                (height, width) = (bitmap.Height, bitmap.Width);
                if ((long)height * width * files.Length > 200_000_000)
                    throw new LabException($"{files.Length} frames of {height}×{width} are too many pixels for one matrix; use fewer or smaller frames.");
                pixels = new float[files.Length * height * width];
            }
            else if (bitmap.Height != height || bitmap.Width != width)
            {
                throw new LabException($"'{Path.GetFileName(files[t])}' is {bitmap.Height}×{bitmap.Width}, but the first frame is {height}×{width}; all frames must have one size.");
            }
            var frame = pixels.AsSpan(t * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    var c = bitmap.GetPixel(x, y);
                    frame[y * width + x] = (0.299f * c.Red + 0.587f * c.Green + 0.114f * c.Blue) / 255f;
                }
            }
        }
        return new Video(files.Length, height, width, pixels, null, $"{files.Length} frames of {height}×{width} from {folder}");
    }
}
