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
/// <c>regularize pca</c>: PCA of the Fashion-MNIST training images: the mean image, the first components as images,
/// the explained-variance curve and reconstructions at several k; then the lab's MLP (<see cref="Trial"/>, AdamW with
/// its default settings) trained on the first k coordinates for each k, against the raw pixels: test accuracy and
/// epoch time against k.
/// </summary>
internal static class PcaCommand
{
    public const int DefaultEpochs = 5;
    private const int Shown = 16;

    public static Command Build(LabConsole console)
    {
        var command = new Command("pca", "PCA of Fashion-MNIST: mean image, components, explained variance, reconstructions, and PCA as preprocessing for the MLP.");
        var common = new TrainingOptions(command, DefaultEpochs, Path.Combine("lab-output", "pca"));
        int[] defaultKs = [10, 25, 50, 100, 200];
        var ks = new Option<int[]?>("--components")
        {
            Description = Lists.WithDefault("Numbers of components k to train the MLP on, comma-separated (the raw pixels are always trained too).", defaultKs),
            CustomParser = Lists.Ints,
        };
        var solver = new Option<string>("--solver") { Description = "auto, full, covariance or randomized.", DefaultValueFactory = _ => "auto" };
        command.Add(ks);
        command.Add(solver);
        command.SetAction((parse, cancellationToken) =>
        {
            var config = common.Read(parse);
            int threads = common.ReadThreads(parse);
            int[] list = Lists.Or(parse.GetValue(ks), defaultKs);
            if (list.Length == 0 || list.Any(k => k < 1)) throw LabException.Usage($"--components must list positive numbers, was {string.Join(",", list)}.");
            string name = parse.GetValue(solver)!;
            if (!Enum.TryParse<PcaSolver>(name, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen) || char.IsDigit(name[0]))
                throw LabException.Usage($"--solver must be auto, full, covariance or randomized, was '{name}'.");
            Run(console, config, list.Distinct().Order().ToArray(), chosen, threads, common.ReadOut(parse), cancellationToken);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Run(LabConsole console, TrainingConfig config, int[] ks, PcaSolver solver, int threads, string output, CancellationToken cancellationToken)
    {
        var (train, test) = LabData.Load(config.DataFolder);
        int n = train.SampleShape.Length, side = (int)Math.Round(Math.Sqrt(n));
        int most = Math.Min(train.Count, n);
        if (ks[^1] > most) throw LabException.Usage($"--components {ks[^1]} exceeds min(images, pixels) = {most}.");
        using var limit = Parallelism.Limit(threads);

        // All components when the solver is exact (they come at the price of k), else as many as asked for.
        int fitted = solver == PcaSolver.Randomized ? Math.Max(ks[^1], Math.Min(Shown, most)) : most;
        var x = Tensor.FromArray(train.Features.ToArray(), train.Count, n);
        var clock = Stopwatch.StartNew();
        var pca = new Pca(components: fitted, solver: solver, seed: config.Seed).Fit(x);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var ratio = pca.ExplainedVarianceRatio;
        var cumulative = new double[ratio.Length];
        for (int j = 0; j < ratio.Length; j++) cumulative[j] = (j == 0 ? 0 : cumulative[j - 1]) + ratio[j];
        console.Line($"PCA of {train.Count} training images of {n} pixels from {config.DataFolder}: {pca.SolverUsed} solver, {fitted} components in {fitSeconds:F2} s; " +
            string.Join(", ", ks.Select(k => $"k = {k} explains {100 * cumulative[k - 1]:F1}%")));

        var files = new List<string>();
        if (side * side == n) files.AddRange(Pictures(output, pca, test, side));
        files.AddRange(Charts.Lines(Path.Combine(output, "explained-variance"), "Explained variance of the first k components", "k", "fraction of the total variance",
            [new Series("cumulative", Enumerable.Range(1, cumulative.Length).Select(k => (double)k).ToArray(), cumulative),
             new Series("each component", Enumerable.Range(1, ratio.Length).Select(k => (double)k).ToArray(), ratio.Select(r => (double)r).ToArray(), Pale: true)],
            logX: true, yMax: 1.0));

        // The MLP on the first k coordinates (nested: the coordinates of a smaller k are the first columns).
        var zTrain = pca.Transform(x).Span.ToArray();
        var zTest = pca.Transform(Tensor.FromArray(test.Features.ToArray(), test.Count, n)).Span.ToArray();
        var variant = Variant.Find("adamw");
        var spec = new TrialSpec(variant, variant.LearningRate, variant.WeightDecay);
        var rows = new List<PcaRow>();
        foreach (int k in ks.Append(0))
        {
            var (trainK, testK) = k == 0 ? (train, test) : (Columns(zTrain, train, fitted, k), Columns(zTest, test, fitted, k));
            var result = Trial.Run(spec, config, trainK, testK, threads, cancellationToken: cancellationToken);
            // The median epoch: the first epoch of the first run also pays for compiling the training loop.
            var times = result.History.Select(e => e.Elapsed.TotalSeconds).Order().ToArray();
            double epochSeconds = times.Length % 2 == 1 ? times[times.Length / 2] : 0.5 * (times[times.Length / 2 - 1] + times[times.Length / 2]);
            rows.Add(new PcaRow(k, k == 0 ? n : k, k == 0 ? 1.0 : cumulative[k - 1], result.Final.TestAccuracy, result.Final.TestLoss, Math.Round(epochSeconds, 3)));
            console.Line($"{(k == 0 ? "raw pixels" : $"k = {k}"),-12} test accuracy {100 * result.Final.TestAccuracy:F2}%, {epochSeconds:F2} s per epoch");
        }
        PrintTable(console, rows, config);
        files.AddRange(PlotAccuracy(output, rows));
        var csv = new StringBuilder("components,inputs,explained_variance,test_accuracy,test_loss,epoch_seconds\n");
        foreach (var r in rows)
        {
            csv.Append(string.Join(",", r.Components.ToString(CultureInfo.InvariantCulture), r.Inputs.ToString(CultureInfo.InvariantCulture),
                ResultFiles.D(r.ExplainedVariance), ResultFiles.D(r.TestAccuracy), ResultFiles.D(r.TestLoss), ResultFiles.D(r.EpochSeconds))).Append('\n');
        }
        string csvPath = Path.Combine(output, "pca.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());
        files.Add(csvPath);
        console.Line($"wrote {files.Count} files to {output}");
    }

    /// <summary>The first <paramref name="k"/> of <paramref name="width"/> coordinates of each example, as a data set with the same labels.</summary>
    private static InMemoryDataset Columns(float[] z, InMemoryDataset source, int width, int k)
    {
        var features = new float[source.Count * k];
        for (int i = 0; i < source.Count; i++) z.AsSpan(i * width, k).CopyTo(features.AsSpan(i * k, k));
        return new InMemoryDataset(features, source.Labels.ToArray(), new Shape(k), source.ClassCount);
    }

    /// <summary>mean.png, components.png (the first 16, blue negative, red positive) and reconstructions.png (8 test images; rows: original, then each k).</summary>
    private static IEnumerable<string> Pictures(string output, Pca pca, InMemoryDataset test, int side)
    {
        int n = side * side;
        var mean = pca.Mean.Span.ToArray();
        using (var grid = new ImageGrid(1, 1, side, side, scale: 4))
        {
            grid.Grey(0, 0, mean, mean.Min(), mean.Max());
            yield return grid.Save(Path.Combine(output, "mean.png"));
        }
        var components = pca.Components.Span.ToArray();
        int shown = Math.Min(Shown, pca.ComponentCount);
        using (var grid = new ImageGrid((shown + 7) / 8, Math.Min(8, shown), side, side, scale: 3))
        {
            for (int j = 0; j < shown; j++)
            {
                var c = components.AsSpan(j * n, n);
                float limit = 0;
                foreach (float v in c) limit = Math.Max(limit, Math.Abs(v));
                grid.Diverging(j / 8, j % 8, c, limit);
            }
            yield return grid.Save(Path.Combine(output, "components.png"));
        }
        int images = Math.Min(8, test.Count);
        var levels = new[] { 5, 20, 50, 150 }.Where(k => k <= pca.ComponentCount).ToArray();
        var originals = test.Features[..(images * n)].ToArray();
        var z = pca.Transform(Tensor.FromArray(originals, images, n)).Span.ToArray();
        float low = originals.Min(), high = originals.Max();
        using (var grid = new ImageGrid(1 + levels.Length, images, side, side, scale: 2))
        {
            for (int i = 0; i < images; i++) grid.Grey(0, i, originals.AsSpan(i * n, n), low, high);
            for (int r = 0; r < levels.Length; r++)
            {
                // Keep the first k coordinates, zero the rest: the rank-k reconstruction.
                var zk = (float[])z.Clone();
                for (int i = 0; i < images; i++) zk.AsSpan(i * pca.ComponentCount + levels[r], pca.ComponentCount - levels[r]).Clear();
                var back = pca.InverseTransform(Tensor.FromArray(zk, images, pca.ComponentCount)).Span;
                for (int i = 0; i < images; i++) grid.Grey(1 + r, i, back.Slice(i * n, n), low, high);
            }
            yield return grid.Save(Path.Combine(output, "reconstructions.png"));
        }
        File.WriteAllText(Path.Combine(output, "reconstructions.txt"), "rows: original, then k = " + string.Join(", ", levels) + "\n");
        yield return Path.Combine(output, "reconstructions.txt");
    }

    private static void PrintTable(LabConsole console, List<PcaRow> rows, TrainingConfig config)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"MLP {string.Join("-", config.Hidden)}-10 (AdamW) on the first k PCA coordinates, {Lists.Count(config.Epochs, "epoch")}");
        table.AddColumns("inputs", "variance kept", "test acc", "test loss", "s / epoch (median)");
        for (int i = 1; i < table.Columns.Count; i++) table.Columns[i].RightAligned();
        foreach (var r in rows)
        {
            table.AddRow(r.Components == 0 ? $"raw pixels ({r.Inputs})" : $"k = {r.Components}",
                (100 * r.ExplainedVariance).ToString("F1", CultureInfo.InvariantCulture) + "%",
                (100 * r.TestAccuracy).ToString("F2", CultureInfo.InvariantCulture) + "%",
                r.TestLoss.ToString("F4", CultureInfo.InvariantCulture),
                r.EpochSeconds.ToString("F2", CultureInfo.InvariantCulture));
        }
        console.Console.Write(table);
    }

    private static IReadOnlyList<string> PlotAccuracy(string output, List<PcaRow> rows)
    {
        var pcaRows = rows.Where(r => r.Components > 0).ToList();
        var raw = rows.Single(r => r.Components == 0);
        double[] k = pcaRows.Select(r => (double)r.Components).ToArray();
        return Charts.Lines(Path.Combine(output, "accuracy"), "MLP on the first k PCA coordinates", "k (inputs)", "test accuracy",
            [new Series("test accuracy", k, pcaRows.Select(r => r.TestAccuracy).ToArray()),
             new Series($"raw pixels ({raw.Inputs} inputs)", k, k.Select(_ => raw.TestAccuracy).ToArray(), Pale: true),
             new Series("seconds per epoch", k, pcaRows.Select(r => r.EpochSeconds).ToArray(), RightAxis: true)],
            logX: true, rightLabel: "seconds per epoch");
    }
}
