using SkiaSharp;

namespace Regularize.Lab.Output;

/// <summary>
/// A grid of equally sized image tiles (rows × columns) drawn from float values and saved as one PNG (through
/// SkiaSharp, which ScottPlot brings): grey tiles map [low, high] to black…white, diverging tiles map [−a, a] to
/// blue…white…red. Each value becomes a <c>scale × scale</c> block of pixels; tiles are separated by white gaps.
/// </summary>
internal sealed class ImageGrid : IDisposable
{
    private const int Gap = 2;
    private readonly SKBitmap _bitmap;
    private readonly int _tileHeight, _tileWidth, _scale;

    public ImageGrid(int rows, int columns, int tileHeight, int tileWidth, int scale = 1)
    {
        _tileHeight = tileHeight;
        _tileWidth = tileWidth;
        _scale = scale;
        _bitmap = new SKBitmap(columns * (tileWidth * scale + Gap) - Gap, rows * (tileHeight * scale + Gap) - Gap, SKColorType.Rgba8888, SKAlphaType.Opaque);
        _bitmap.Erase(SKColors.White);
    }

    /// <summary>Draws <paramref name="values"/> (row-major, tileHeight × tileWidth) in grey, <paramref name="low"/> black and <paramref name="high"/> white.</summary>
    public void Grey(int row, int column, ReadOnlySpan<float> values, float low, float high)
    {
        float range = high > low ? high - low : 1f;
        for (int i = 0; i < _tileHeight * _tileWidth; i++)
        {
            byte v = (byte)Math.Clamp((int)MathF.Round(255 * (values[i] - low) / range), 0, 255);
            Put(row, column, i, new SKColor(v, v, v));
        }
    }

    /// <summary>Draws <paramref name="values"/> blue (−<paramref name="limit"/>) through white (0) to red (+<paramref name="limit"/>).</summary>
    public void Diverging(int row, int column, ReadOnlySpan<float> values, float limit)
    {
        for (int i = 0; i < _tileHeight * _tileWidth; i++)
        {
            float t = Math.Clamp(values[i] / (limit > 0 ? limit : 1f), -1f, 1f);
            byte fade = (byte)Math.Round(255 * (1 - Math.Abs(t)));
            Put(row, column, i, t >= 0 ? new SKColor(255, fade, fade) : new SKColor(fade, fade, 255));
        }
    }

    /// <summary>Draws a mask: white where set, black elsewhere.</summary>
    public void Mask(int row, int column, ReadOnlySpan<bool> mask)
    {
        for (int i = 0; i < _tileHeight * _tileWidth; i++) Put(row, column, i, mask[i] ? SKColors.White : SKColors.Black);
    }

    /// <summary>Saves the grid as a PNG at <paramref name="path"/>; returns the path.</summary>
    public string Save(string path)
    {
        using var image = SKImage.FromBitmap(_bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        var bytes = data.ToArray();
        Serialization.AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => _bitmap.Dispose();

    private void Put(int row, int column, int index, SKColor color)
    {
        int y0 = row * (_tileHeight * _scale + Gap) + index / _tileWidth * _scale;
        int x0 = column * (_tileWidth * _scale + Gap) + index % _tileWidth * _scale;
        for (int dy = 0; dy < _scale; dy++)
        {
            for (int dx = 0; dx < _scale; dx++) _bitmap.SetPixel(x0 + dx, y0 + dy, color);
        }
    }
}
