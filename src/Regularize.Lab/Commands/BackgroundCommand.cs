using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Regularize.Data;
using Regularize.Decomposition;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Regularize.Tensors;
using Spectre.Console;

namespace Regularize.Lab.Commands;

/// <summary>
/// <c>regularize background</c>: separates a video (one frame per row of M) into a low-rank background L and a sparse
/// foreground S with robust PCA, thresholds |S| into a foreground mask, and scores it against the truth of a synthetic
/// video (<see cref="SyntheticVideo"/>) next to two baselines: the residual of plain rank-k PCA and of a per-pixel
/// median over time. <c>--frames</c> reads a user's own PNG frames instead (no truth, so pictures and no scores).
/// </summary>
internal static class BackgroundCommand
{
    public static Command Build(LabConsole console)
    {
        var command = new Command("background", "Separate a video's background from its moving foreground with robust PCA, against rank-k PCA and a per-pixel median.");
        var data = new Option<string?>("--data", "-d") { Description = "Fashion-MNIST folder the synthetic video is built from. Default: the shipped subset data/fashion-mnist." };
        var frames = new Option<string?>("--frames") { Description = "A folder of PNG frames (your own video, read in file-name order) instead of the synthetic one." };
        var count = new Option<int>("--count") { Description = "Frames of the synthetic video (the most frames read with --frames).", DefaultValueFactory = _ => 200 };
        var height = new Option<int>("--height") { Description = "Height of the synthetic video.", DefaultValueFactory = _ => 120 };
        var width = new Option<int>("--width") { Description = "Width of the synthetic video.", DefaultValueFactory = _ => 160 };
        var items = new Option<int>("--items") { Description = "Moving items in the synthetic video.", DefaultValueFactory = _ => 3 };
        var rank = new Option<int>("--rank") { Description = "Components of the plain PCA baseline.", DefaultValueFactory = _ => 2 };
        var threshold = new Option<double>("--threshold") { Description = "A pixel is foreground where |foreground estimate| exceeds this (intensities in [0, 1]); the same for every method.", DefaultValueFactory = _ => 0.1 };
        var maxIterations = new Option<int>("--max-iterations") { Description = "Robust PCA's iteration limit.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the synthetic video and of the randomized SVDs.", DefaultValueFactory = _ => 1 };
        var threads = TrainingOptions.ThreadsOption();
        var output = TrainingOptions.OutputOption(Path.Combine("lab-output", "background"));
        foreach (var o in new Option[] { data, frames, count, height, width, items, rank, threshold, maxIterations, seed, threads, output }) command.Add(o);
        command.SetAction((parse, _) =>
        {
            int n = parse.GetValue(count), h = parse.GetValue(height), w = parse.GetValue(width), k = parse.GetValue(rank);
            int objects = parse.GetValue(items), limit = parse.GetValue(maxIterations), threadCount = TrainingOptions.ReadThreads(parse, threads);
            double tau = parse.GetValue(threshold);
            if (n < 2) throw LabException.Usage($"--count must be at least 2, was {n}.");
            if (h < 1 || w < 1) throw LabException.Usage($"--height and --width must be positive, were {h} and {w}.");
            if (objects < 0) throw LabException.Usage($"--items must be 0 or more, was {objects}.");
            if (k < 1) throw LabException.Usage($"--rank must be at least 1, was {k}.");
            if (!(tau > 0)) throw LabException.Usage($"--threshold must be positive, was {tau}.");
            if (limit < 1) throw LabException.Usage($"--max-iterations must be at least 1, was {limit}.");
            if (threadCount < 1) throw LabException.Usage($"--threads must be positive, was {threadCount}.");
            string folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            string? own = parse.GetValue(frames);
            var video = own is not null
                ? VideoFrames.Read(own, n)
                : SyntheticVideo.Make(RawImages(parse.GetValue(data)), n, h, w, objects, parse.GetValue(seed));
            if (k >= video.Frames) throw LabException.Usage($"--rank {k} must be below the number of frames {video.Frames}.");
            Run(console, video, k, (float)tau, limit, parse.GetValue(seed), threadCount, folder);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The training images with pixels back in [0, 1] (the lab loads them normalised).</summary>
    private static InMemoryDataset RawImages(string? folder)
    {
        var (train, _) = LabData.Load(LabData.Resolve(folder));
        var n = FashionMnist.TrainingSetNormalization;
        var pixels = train.Features.ToArray();
        for (int i = 0; i < pixels.Length; i++) pixels[i] = pixels[i] * n.Std + n.Mean;
        return new InMemoryDataset(pixels, train.Labels.ToArray(), train.SampleShape, train.ClassCount);
    }

    private static void Run(LabConsole console, Video video, int rank, float threshold, int maxIterations, ulong seed, int threads, string output)
    {
        console.Line($"{video.Description}; robust PCA on a {video.Frames}×{video.Size} matrix (a frame per row), {threads} thread{(threads == 1 ? "" : "s")}");
        using var limit = Parallelism.Limit(threads);
        var m = Tensor.FromArray(video.Pixels, video.Frames, video.Size);

        var clock = Stopwatch.StartNew();
        var robust = new RobustPca(maxIterations: maxIterations, seed: seed).Fit(m);
        double robustSeconds = clock.Elapsed.TotalSeconds;
        console.Line($"robust PCA: {robust.Iterations} iterations{(robust.Converged ? "" : " (iteration limit, not converged)")}, rank(L) {robust.Rank}, " +
            $"{100 * robust.NonzeroFraction:F2}% of S nonzero, ‖M − L − S‖_F/‖M‖_F {robust.Residual:G3}, λ {robust.Lambda:G3}, {robustSeconds:F1} s");

        clock.Restart();
        var pca = new Pca(components: rank, seed: seed).Fit(m);
        var pcaForeground = Subtract(video.Pixels, pca.InverseTransform(pca.Transform(m)).Span);
        double pcaSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var medianForeground = Subtract(video.Pixels, MedianBackground(video));
        double medianSeconds = clock.Elapsed.TotalSeconds;

        var sparse = robust.Sparse.Span.ToArray();
        var methods = new (string Name, float[] Foreground, double Seconds)[]
        {
            ("robust PCA", sparse, robustSeconds),
            ($"PCA rank {rank}", pcaForeground, pcaSeconds),
            ("per-pixel median", medianForeground, medianSeconds),
        };
        var masks = methods.Select(x => Array.ConvertAll(x.Foreground, v => Math.Abs(v) > threshold)).ToArray();
        var rows = new List<BackgroundMethod>();
        for (int i = 0; i < methods.Length; i++)
        {
            var score = video.Truth is { } truth ? MaskScore.Of(masks[i], truth) : (MaskScore?)null;
            rows.Add(new BackgroundMethod(methods[i].Name, score?.Precision ?? double.NaN, score?.Recall ?? double.NaN, score?.F1 ?? double.NaN,
                Math.Round(methods[i].Seconds, 3)));
        }
        PrintTable(console, rows, threshold, video.Truth is not null);

        var files = new List<string>
        {
            Strips(output, video, robust.LowRank.Span.ToArray(), sparse, masks),
        };
        var csv = new StringBuilder("method,precision,recall,f1,seconds\n");
        foreach (var r in rows) csv.Append(string.Join(",", r.Name, ResultFiles.D(r.Precision), ResultFiles.D(r.Recall), ResultFiles.D(r.F1), ResultFiles.D(r.Seconds))).Append('\n');
        string csvPath = Path.Combine(output, "background.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());
        files.Add(csvPath);
        string jsonPath = Path.Combine(output, "background.json");
        ResultFiles.WriteJson(jsonPath, new BackgroundReport("background", video.Description, video.Frames, video.Height, video.Width, threshold,
            robust.Iterations, robust.Converged, robust.Rank, robust.NonzeroFraction, robust.Residual, robust.Lambda, rows));
        files.Add(jsonPath);
        console.Line($"wrote {files.Count} files to {output}");
    }

    private static float[] Subtract(float[] a, ReadOnlySpan<float> b)
    {
        var d = new float[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i] - b[i];
        return d;
    }

    /// <summary>Each pixel's median over all frames, repeated in every frame.</summary>
    private static float[] MedianBackground(Video video)
    {
        var background = new float[video.Pixels.Length];
        var column = new float[video.Frames];
        for (int p = 0; p < video.Size; p++)
        {
            for (int t = 0; t < video.Frames; t++) column[t] = video.Pixels[t * video.Size + p];
            Array.Sort(column);
            int half = video.Frames / 2;
            float median = video.Frames % 2 == 1 ? column[half] : 0.5f * (column[half - 1] + column[half]);
            for (int t = 0; t < video.Frames; t++) background[t * video.Size + p] = median;
        }
        return background;
    }

    private static void PrintTable(LabConsole console, List<BackgroundMethod> rows, float threshold, bool scored)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"foreground mask |estimate| > {threshold.ToString("G3", CultureInfo.InvariantCulture)}" +
            (scored ? " against the truth" : " (no truth for these frames)"));
        table.AddColumns("method", "precision", "recall", "F1", "time");
        for (int i = 1; i < table.Columns.Count; i++) table.Columns[i].RightAligned();
        foreach (var r in rows)
        {
            string P(double v) => double.IsNaN(v) ? "–" : v.ToString("F3", CultureInfo.InvariantCulture);
            table.AddRow(Markup.Escape(r.Name), P(r.Precision), P(r.Recall), P(r.F1), r.Seconds.ToString("F2", CultureInfo.InvariantCulture) + " s");
        }
        console.Console.Write(table);
    }

    /// <summary>
    /// <c>frames.png</c>: three frames (at a quarter, half and three quarters of the video), one per row; the columns are
    /// the frame, L, |S|, the robust PCA mask, the rank-k PCA mask, the median mask, and the truth when there is one.
    /// </summary>
    private static string Strips(string output, Video video, float[] low, float[] sparse, bool[][] masks)
    {
        int[] shown = video.Frames >= 4 ? [video.Frames / 4, video.Frames / 2, 3 * video.Frames / 4] : [0, video.Frames - 1];
        int columns = 6 + (video.Truth is null ? 0 : 1), size = video.Size;
        using var grid = new ImageGrid(shown.Length, columns, video.Height, video.Width);
        for (int r = 0; r < shown.Length; r++)
        {
            int at = shown[r] * size;
            grid.Grey(r, 0, video.Pixels.AsSpan(at, size), 0f, 1f);
            grid.Grey(r, 1, low.AsSpan(at, size), 0f, 1f);
            var magnitude = sparse.AsSpan(at, size).ToArray();
            for (int i = 0; i < size; i++) magnitude[i] = Math.Abs(magnitude[i]);
            grid.Grey(r, 2, magnitude, 0f, 0.5f);
            for (int k = 0; k < 3; k++) grid.Mask(r, 3 + k, masks[k].AsSpan(at, size));
            if (video.Truth is { } truth) grid.Mask(r, 6, truth.AsSpan(at, size));
        }
        return grid.Save(Path.Combine(output, "frames.png"));
    }
}
