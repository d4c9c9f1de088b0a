using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Spectre.Console;

namespace Regularize.Lab.Commands;

/// <summary>
/// <c>regularize batch-size</c>: what batch size trades. Trains the MLP with one variant at several batch sizes (same
/// seed, same epochs), the peak learning rate and λ set per batch size by <see cref="BatchScaling"/>, and shows the
/// throughput (seconds per epoch, examples per second) beside the steps taken, the total decay, and the final losses,
/// accuracy and weight norm.
/// </summary>
internal static class BatchSizeCommand
{
    public const int DefaultEpochs = 10;

    public static Command Build(LabConsole console)
    {
        var command = new Command("batch-size",
            "Train one variant at several batch sizes (same seed, same epochs): throughput against fewer steps, with lr and λ scaled per batch size.");
        var common = new TrainingOptions(command, DefaultEpochs, Path.Combine("lab-output", "batch-size"), withBatchSize: false);
        var variant = VariantOptions.VariantOption("adamw");
        int[] defaultSizes = [32, 128, 512, 2048];
        var sizes = new Option<int[]?>("--batch-sizes")
        {
            Description = Lists.WithDefault("Batch sizes to train at, comma-separated.", defaultSizes),
            CustomParser = Lists.Ints,
        };
        int b0 = Variant.ReferenceBatchSize;
        var lr = new Option<double?>("--lr") { Description = $"Peak learning rate at the reference batch {b0} (default: the variant's)." };
        var wd = new Option<double?>("--weight-decay") { Description = $"Weight decay λ at the reference batch {b0} (default: the variant's)." };
        var lrScaling = new Option<string>("--lr-scaling")
        {
            Description = $"Peak learning rate at batch b: 'none' (the base lr), 'linear' (× b/{b0}, Goyal et al.) or 'sqrt' (× √(b/{b0}), Krizhevsky; Hoffer et al.).",
            DefaultValueFactory = _ => "sqrt",
        };
        lrScaling.AcceptOnlyFromAmong([.. BatchScaling.LearningRateRules]);
        var decayRule = new Option<string>("--decay-rule")
        {
            Description = "λ at batch b: 'fixed' (the base λ) or 'normalized' (λ_norm·√(b/(B·T)), Loshchilov & Hutter B.1, " +
                $"with λ_norm such that batch {b0} gets the base λ).",
            DefaultValueFactory = _ => "fixed",
        };
        decayRule.AcceptOnlyFromAmong([.. BatchScaling.DecayRules]);
        foreach (var o in new Option[] { variant, sizes, lr, wd, lrScaling, decayRule }) command.Add(o);
        command.SetAction((parse, cancellationToken) =>
        {
            var config = common.Read(parse);
            int threads = common.ReadThreads(parse);
            var chosen = VariantOptions.Find(parse.GetValue(variant)!);
            int[] batchSizes = ReadBatchSizes(Lists.Or(parse.GetValue(sizes), defaultSizes));
            double? lrValue = parse.GetValue(lr), wdValue = parse.GetValue(wd);
            if (lrValue is { } l && !(l > 0 && double.IsFinite(l))) throw LabException.Usage($"--lr must be positive and finite, was {l.ToString(CultureInfo.InvariantCulture)}.");
            if (wdValue is { } w && !(w >= 0 && double.IsFinite(w))) throw LabException.Usage($"--weight-decay must be >= 0 and finite, was {w.ToString(CultureInfo.InvariantCulture)}.");
            string output = common.ReadOut(parse);
            Run(console, config, chosen, batchSizes, lrValue ?? chosen.LearningRate, wdValue ?? chosen.WeightDecay,
                parse.GetValue(lrScaling)!, parse.GetValue(decayRule)!, threads, output, cancellationToken);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The batch sizes in increasing order, checked to be positive and distinct.</summary>
    internal static int[] ReadBatchSizes(int[] sizes)
    {
        if (sizes.Any(b => b <= 0)) throw LabException.Usage($"--batch-sizes must all be positive, were {string.Join(",", sizes)}.");
        var duplicate = sizes.GroupBy(b => b).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw LabException.Usage($"--batch-sizes lists {duplicate.Key} twice.");
        return [.. sizes.Order()];
    }

    private static void Run(LabConsole console, TrainingConfig config, Variant variant, int[] sizes, double baseLr, double baseWd,
        string lrRule, string decayRule, int threads, string output, CancellationToken cancellationToken)
    {
        var (train, test) = LabData.Load(config.DataFolder);
        int tooLarge = sizes.FirstOrDefault(b => b > train.Count);
        if (tooLarge > 0) throw LabException.Usage($"--batch-sizes: {tooLarge} is larger than the training set ({train.Count} examples).");
        var scaling = new BatchScaling(lrRule, decayRule, baseLr, baseWd, train.Count, config.Epochs);
        console.Line($"Fashion-MNIST from {config.DataFolder}: {train.Count} training / {test.Count} test images; " +
            $"{config.Describe(train.SampleShape.Length)}, {Lists.Count(config.Epochs, "epoch")}, seed {config.Seed}, " +
            $"{threads} thread{(threads == 1 ? "" : "s")}");
        console.Line($"{variant.Name} at batch sizes {string.Join(", ", sizes)}: {Rules(scaling)}");

        var specs = sizes.Select(b => new TrialSpec(variant, scaling.LearningRate(b), scaling.WeightDecay(b))).ToArray();
        var runs = sizes.Select(b => ($"b={b}", (double)((train.Count + b - 1) / b) * config.Epochs)).ToArray();
        var results = new TrialResult[sizes.Length];
        var trainSeconds = new List<double>[sizes.Length];
        var clock = Stopwatch.StartNew();
        RunProgress.Show(console, runs, progress =>
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                int run = i;
                var seconds = trainSeconds[run] = [];
                var epochClock = new Stopwatch();
                results[run] = Trial.Run(specs[run], config with { BatchSize = sizes[run] }, train, test, threads, trainer =>
                {
                    // The training time of an epoch: its steps, without the test evaluation that follows them.
                    trainer.EpochStarted += (_, _) => epochClock.Restart();
                    trainer.BatchEnded += (_, e) =>
                    {
                        if (e.Batch == e.BatchesPerEpoch) seconds.Add(epochClock.Elapsed.TotalSeconds);
                    };
                    progress.Follow(trainer, run, $"b={sizes[run]}", config.Epochs);
                }, cancellationToken);
            }
            return 0;
        });
        clock.Stop();

        var report = new BatchSizeReport("batch-size", ResultFiles.Settings(config, train.Count, test.Count), variant.Name, lrRule, decayRule,
            baseLr, baseWd, scaling.LambdaNorm, results.Select((r, i) => Summarize(sizes[i], r, trainSeconds[i], train.Count)).ToList());
        var files = new List<string>();
        files.AddRange(WriteFiles(output, report, results));
        files.AddRange(Plot(output, report, results));
        PrintTable(console, report, scaling);
        console.Line($"total {clock.Elapsed.TotalSeconds:F1} s; wrote {files.Count} files to {output}");
    }

    private static string Rules(BatchScaling s) =>
        $"lr scaling {s.LearningRateRule}, decay rule {s.DecayRule} (lr {G(s.BaseLearningRate)}, λ {G(s.BaseWeightDecay)} at batch {BatchScaling.ReferenceBatchSize}" +
        (s.LambdaNorm is { } norm ? $"; λ_norm {G(norm)}" : "") + ")";

    private static BatchSizeRun Summarize(int batchSize, TrialResult r, List<double> trainSeconds, int trainCount)
    {
        var schedule = r.Spec.Variant.Schedule(r.Spec.LearningRate, r.TotalSteps);
        double decaySum = 0;
        for (long t = 0; t < r.TotalSteps; t++) decaySum += schedule.At(t) * r.Spec.WeightDecay;
        double perEpoch = Median(trainSeconds);
        return new BatchSizeRun(batchSize, r.BatchesPerEpoch, r.TotalSteps,
            r.Spec.LearningRate, r.Spec.WeightDecay, decaySum, Math.Round(perEpoch, 6), Math.Round(trainCount / perEpoch, 1), r.Diverged,
            r.Description, trainSeconds.Select(s => Math.Round(s, 6)).ToList(), r.History.Select(ResultFiles.Row).ToList());
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static IEnumerable<string> WriteFiles(string output, BatchSizeReport report, TrialResult[] results)
    {
        var csv = new StringBuilder(ResultFiles.EpochCsvHeader("batch_size") + "\n");
        for (int i = 0; i < results.Length; i++)
        {
            string key = report.Runs[i].BatchSize.ToString(CultureInfo.InvariantCulture);
            foreach (var m in results[i].History) csv.Append(ResultFiles.EpochCsvRow(key, m)).Append('\n');
        }
        string csvPath = Path.Combine(output, "batch-size.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());
        string jsonPath = Path.Combine(output, "batch-size.json");
        ResultFiles.WriteJson(jsonPath, report);
        return [csvPath, jsonPath];
    }

    private static IEnumerable<string> Plot(string output, BatchSizeReport report, TrialResult[] results)
    {
        var files = new List<string>(EpochCharts.Write(output, results.Select((r, i) => ($"b={report.Runs[i].BatchSize}", r)).ToList()));
        double[] b = report.Runs.Select(r => (double)r.BatchSize).ToArray();
        files.AddRange(Charts.Lines(Path.Combine(output, "accuracy-throughput"),
            $"{report.Variant} after {Lists.Count(report.Settings.Epochs, "epoch")}: test accuracy and training throughput",
            "batch size (log scale)", "final test accuracy (%)",
            [
                new Series("final test accuracy (%)", b, results.Select(r => 100 * r.Final.TestAccuracy).ToArray(), Color: 0),
                new Series("training examples per second (right)", b, report.Runs.Select(r => r.ExamplesPerSecond).ToArray(), RightAxis: true, Color: 1),
            ],
            logX: true, rightLabel: "training examples per second",
            xTicks: report.Runs.Select(r => ((double)r.BatchSize, r.BatchSize.ToString(CultureInfo.InvariantCulture))).ToArray()));
        return files;
    }

    private static void PrintTable(LabConsole console, BatchSizeReport report, BatchScaling scaling)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{report.Variant} by batch size: {Rules(scaling)}"));
        table.AddColumns("batch", "steps/ep", "steps", "lr", "λ", "Σ lr·λ", "s/ep", "ex/s", "train loss", "test loss", "test acc", "‖θ‖");
        for (int i = 1; i < 12; i++) table.Columns[i].RightAligned();
        foreach (var r in report.Runs)
        {
            var m = r.Epochs[^1];
            table.AddRow(
                r.BatchSize.ToString(CultureInfo.InvariantCulture) + (r.Diverged ? " (diverged)" : ""),
                r.StepsPerEpoch.ToString(CultureInfo.InvariantCulture), r.TotalSteps.ToString(CultureInfo.InvariantCulture),
                G(r.LearningRate), G(r.WeightDecay), G(r.DecaySum),
                r.SecondsPerEpoch.ToString("F3", CultureInfo.InvariantCulture),
                r.ExamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                m.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                m.TestLoss.ToString("F4", CultureInfo.InvariantCulture),
                (100 * m.TestAccuracy).ToString("F2", CultureInfo.InvariantCulture) + "%",
                m.DecayedWeightNorm.ToString("F2", CultureInfo.InvariantCulture));
        }
        console.Console.Write(table);
        console.Line("lr: peak learning rate; Σ lr·λ: the decay coefficients of all steps added up; ‖θ‖: norm of the decayed weights");
        console.Line("s/ep: median training time of an epoch (steps only); ex/s: training examples per second at that median");
    }

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
