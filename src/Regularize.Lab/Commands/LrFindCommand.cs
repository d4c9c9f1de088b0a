using System.CommandLine;
using System.Globalization;
using System.Text;
using Regularize.Data;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Regularize.Tensors;
using Regularize.Training;

namespace Regularize.Lab.Commands;

/// <summary>
/// <c>regularize lr-find</c>: the learning-rate range test (Smith; fastai's lr_find). The learning rate grows exponentially
/// from --start to --end over --steps batches; the loss is smoothed with an exponential moving average (bias-corrected);
/// the test stops early when the smoothed loss exceeds --divergence times its minimum. Suggested: the learning rate
/// where the smoothed loss falls fastest against log lr, and, for reference, a tenth of the one at the minimum loss.
/// </summary>
internal static class LrFindCommand
{
    public static Command Build(LabConsole console)
    {
        var command = new Command("lr-find", "Learning-rate range test: loss against an exponentially growing learning rate, and a suggested rate.");
        var common = new TrainingOptions(command, 1, Path.Combine("lab-output", "lr-find"));
        common.Epochs.Hidden = true; // the range test runs --steps batches, not epochs
        var optimizer = VariantOptions.VariantOption("adamw");
        var start = new Option<double>("--start") { Description = "First learning rate.", DefaultValueFactory = _ => 1e-6 };
        var end = new Option<double>("--end") { Description = "Last learning rate.", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Batches (learning rates) to try.", DefaultValueFactory = _ => 300 };
        var smoothing = new Option<double>("--smoothing") { Description = "β of the moving average of the loss.", DefaultValueFactory = _ => 0.95 };
        var divergence = new Option<double>("--divergence") { Description = "Stop when the smoothed loss exceeds this many times its minimum.", DefaultValueFactory = _ => 4 };
        var wd = new Option<double?>("--weight-decay") { Description = "Weight decay λ (default: the variant's)." };
        foreach (var o in new Option[] { optimizer, start, end, steps, smoothing, divergence, wd }) command.Add(o);
        command.SetAction((parse, cancellationToken) =>
        {
            var config = common.Read(parse);
            int threads = common.ReadThreads(parse);
            double a = parse.GetValue(start), b = parse.GetValue(end), beta = parse.GetValue(smoothing), factor = parse.GetValue(divergence);
            int n = parse.GetValue(steps);
            if (!(a > 0) || !(b > a) || !double.IsFinite(b)) throw LabException.Usage($"--start and --end must satisfy 0 < start < end < ∞, were {a.ToString(CultureInfo.InvariantCulture)} and {b.ToString(CultureInfo.InvariantCulture)}.");
            if (n < 10) throw LabException.Usage($"--steps must be at least 10, was {n}.");
            if (!(beta >= 0 && beta < 1)) throw LabException.Usage($"--smoothing must be in [0, 1), was {beta}.");
            if (!(factor > 1)) throw LabException.Usage($"--divergence must be > 1, was {factor}.");
            var variant = VariantOptions.Find(parse.GetValue(optimizer)!);
            double lambda = parse.GetValue(wd) ?? variant.WeightDecay;
            if (!(lambda >= 0 && double.IsFinite(lambda))) throw LabException.Usage($"--weight-decay must be >= 0 and finite, was {lambda.ToString(CultureInfo.InvariantCulture)}.");
            string output = common.ReadOut(parse);
            LrFindReport report;
            using (Parallelism.Limit(threads))
            {
                report = Find(console, config, variant, lambda, a, b, n, beta, factor, threads, cancellationToken);
            }
            var files = Write(output, report);
            console.Line(report.Diverged
                ? $"stopped at lr {G(report.Points[^1].LearningRate)} after {report.Points.Count} batches: the smoothed loss exceeded {G(factor)}× its minimum"
                : $"ran all {report.Points.Count} batches without diverging");
            console.Line($"steepest descent of the smoothed loss at lr {G(report.SteepestLearningRate)}; minimum loss at lr {G(report.MinLossLearningRate * 10)} (÷10: {G(report.MinLossLearningRate)})");
            console.Line($"suggested learning rate: {G(report.Suggestion)} ({report.SuggestionRule})");
            console.Line($"wrote {string.Join(", ", files)}");
            return Task.FromResult(0);
        });
        return command;
    }

    private static LrFindReport Find(LabConsole console, TrainingConfig config, Variant variant, double lambda, double start, double end,
        int steps, double beta, double factor, int threads, CancellationToken cancellationToken)
    {
        var (train, _) = LabData.Load(config.DataFolder);
        var model = Trial.Build(config, train.SampleShape.Length, train.ClassCount);
        var loader = new DataLoader(train, config.BatchSize, shuffle: true, seed: config.Seed, augmentation: Trial.AugmentationFor(config, train));
        var setup = variant.Create(model.Parameters(), start, lambda, steps, threads); // its schedule is not used: the test sets the rates
        LearningRateRangeResult result = null!;
        RunProgress.Show(console, [($"lr-find {variant.Name}", steps)], view =>
        {
            result = LearningRateRangeTest.Run(model, setup.Optimizer, loader, start, end, steps, beta, factor, restoreWeights: false,
                progress: p =>
                {
                    if (p.Step % 5 == 0) view.Update(0, p.Step + 1, $"lr-find {variant.Name}: lr {p.LearningRate:G3}, loss {p.SmoothedLoss:F3}");
                },
                cancellationToken: cancellationToken);
            return 0;
        });
        var points = result.Points.ToList();
        if (result.Diverged && points.Count < Math.Max(10, steps / 10))
        {
            throw new LabException($"the loss diverged after {points.Count} of {steps} batches (lr {(points.Count > 0 ? points[^1].LearningRate : start):G3}), too early to suggest a rate; lower --start.");
        }
        return new LrFindReport("lr-find", variant.Name, lambda, start, end, steps, beta, factor, config.BatchSize, config.Hidden, config.Seed,
            result.Diverged, result.Steepest, result.MinLossOverTen, result.Steepest, "steepest descent of the smoothed loss against log lr", points);
    }

    private static List<string> Write(string output, LrFindReport report)
    {
        var files = new List<string>();
        var csv = new StringBuilder("step,learning_rate,loss,smoothed_loss\n");
        foreach (var p in report.Points)
        {
            csv.AppendJoin(",", p.Step.ToString(CultureInfo.InvariantCulture), ResultFiles.D(p.LearningRate), ResultFiles.D(p.Loss),
                ResultFiles.D(p.SmoothedLoss)).Append('\n');
        }
        string csvPath = Path.Combine(output, "lr-find.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());
        files.Add(csvPath);
        string jsonPath = Path.Combine(output, "lr-find.json");
        ResultFiles.WriteJson(jsonPath, report);
        files.Add(jsonPath);
        var x = report.Points.Select(p => p.LearningRate).ToArray();
        files.AddRange(Charts.Lines(Path.Combine(output, "lr-find"),
            $"Learning-rate range test: {report.Optimizer}, batch {report.BatchSize}",
            "learning rate (log scale)", "training loss (nats per example)",
            [
                new Series("loss per batch", x, report.Points.Select(p => p.Loss).ToArray(), Color: 0, Pale: true),
                new Series("smoothed loss", x, report.Points.Select(p => p.SmoothedLoss).ToArray(), Color: 0),
            ],
            logX: true,
            markers: [(report.SteepestLearningRate, $"steepest (suggested): {G(report.SteepestLearningRate)}"), (report.MinLossLearningRate, $"min loss / 10: {G(report.MinLossLearningRate)}")],
            yMax: 1.25 * report.Points.Max(p => p.SmoothedLoss is var v && p.Step <= report.Points.Count / 2 ? v : 0)));
        return files;
    }

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
