using System.Globalization;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace Regularize.Lab.Tests;

/// <summary><c>regularize background</c> on a small synthetic video built from the tiny IDX folder, and on PNG frames written here.</summary>
[NonParallelizable]
public class BackgroundCommandTests : SyntheticDataFixture
{
    [Test]
    public void RobustPcaFindsTheMovingItemsBetterThanTheBaselines()
    {
        using var temp = new TempFolder();
        var run = LabRun.Of("background", "--data", DataPath, "--count", "40", "--height", "32", "--width", "48", "--items", "2",
            "--threads", "1", "--output", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var rows = File.ReadAllLines(temp["background.csv"]).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0]);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "robust PCA", "PCA rank 2", "per-pixel median" }));
        double F1(string method) => double.Parse(rows[method][3], CultureInfo.InvariantCulture);
        Assert.That(F1("robust PCA"), Is.GreaterThan(0.8));
        Assert.That(F1("robust PCA"), Is.GreaterThan(F1("PCA rank 2")).And.GreaterThan(F1("per-pixel median")));
        var json = JsonNode.Parse(File.ReadAllText(temp["background.json"]))!;
        Assert.That((bool)json["converged"]!, Is.True);
        Assert.That((double)json["residual"]!, Is.LessThan(1e-6));
        using var strip = SKBitmap.Decode(temp["frames.png"]);
        Assert.That((strip.Width, strip.Height), Is.EqualTo((7 * 48 + 6 * 2, 3 * 32 + 2 * 2)), "3 frames × (frame, L, |S|, 3 masks, truth)");
    }

    [Test]
    public void ReadsAFolderOfPngFrames()
    {
        using var frames = new TempFolder();
        for (int t = 0; t < 10; t++) WriteFrame(Path.Combine(frames.Path, $"frame{t:D2}.png"), 12, 24, square: 2 * t);
        using var temp = new TempFolder();
        var run = LabRun.Of("background", "--frames", frames.Path, "--threads", "1", "--output", temp.Path);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("10 frames of 12×24").And.Contain("no truth"));
        using var strip = SKBitmap.Decode(temp["frames.png"]);
        Assert.That(strip.Width, Is.EqualTo(6 * 24 + 5 * 2), "no truth column");
        // The moving square is the foreground: robust PCA's mask (column 3) covers it in frame 5 (the middle row),
        // where it spans columns 10–12 and rows 4–6, and is clear on the background.
        Assert.That(strip.GetPixel(3 * (24 + 2) + 11, (12 + 2) + 5).Red, Is.EqualTo(255), "mask set inside the square");
        Assert.That(strip.GetPixel(3 * (24 + 2) + 22, (12 + 2) + 10).Red, Is.EqualTo(0), "mask clear on the background");
    }

    [Test]
    public void BadFrameFoldersGiveClearErrors()
    {
        using var frames = new TempFolder();
        var run = LabRun.Of("background", "--frames", Path.Combine(frames.Path, "missing"));
        Assert.That(run.Error, Does.Contain("does not exist"));
        WriteFrame(Path.Combine(frames.Path, "a.png"), 12, 16, square: 0);
        run = LabRun.Of("background", "--frames", frames.Path);
        Assert.That(run.Error, Does.Contain("holds 1 PNG file; a video needs at least 2 frames"));
        WriteFrame(Path.Combine(frames.Path, "b.png"), 10, 16, square: 0);
        run = LabRun.Of("background", "--frames", frames.Path);
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("'b.png' is 10×16, but the first frame is 12×16"));
    }

    /// <summary>A grey gradient with a white 3×3 square whose top left corner is at row 4, column <paramref name="square"/>.</summary>
    private static void WriteFrame(string path, int height, int width, int square)
    {
        using var bitmap = new SKBitmap(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool inside = y >= 4 && y < 7 && x >= square && x < square + 3;
                byte v = inside ? (byte)255 : (byte)(60 + 3 * x + 2 * y);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
