using System.CommandLine;
using System.Globalization;
using System.Text;
using Regularize.Data;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Regularize.Schedules;
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
        var optimizer = new Option<string>("--optimizer") { Description = $"The variant: {string.Join(", ", Variant.Names)}.", DefaultValueFactory = _ => "adamw" };
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
            if (!(a > 0) || !(b > a)) throw new LabException($"--start and --end must satisfy 0 < start < end, were {a} and {b}.");
            if (n < 10) throw new LabException($"--steps must be at least 10, was {n}.");
            if (!(beta >= 0 && beta < 1)) throw new LabException($"--smoothing must be in [0, 1), was {beta}.");
            if (!(factor > 1)) throw new LabException($"--divergence must be > 1, was {factor}.");
            var variant = Variant.Find(parse.GetValue(optimizer)!);
            double lambda = parse.GetValue(wd) ?? variant.WeightDecay;
            if (!(lambda >= 0)) throw new LabException($"--weight-decay must be >= 0, was {lambda}.");
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
        var model = Trial.Mlp(train.SampleShape.Length, config.Hidden, train.ClassCount, config.Seed);
        var loader = new DataLoader(train, config.BatchSize, shuffle: true, seed: config.Seed);
        var setup = variant.Create(model.Parameters(), start, lambda, steps, threads);
        double gamma = Math.Pow(end / start, 1.0 / (steps - 1));
        var lr = new Scheduler(setup.Optimizer.ParameterGroups, new ExponentialSchedule(start, gamma)); // replaces the variant's schedule
        var points = new List<LrFindPoint>(steps);
        double average = 0, best = double.PositiveInfinity;
        bool diverged = false;
        RunProgress.Show(console, [($"lr-find {variant.Name}", steps)], view =>
        {
            for (int i = 0; i < steps; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = loader.Next();
                double rate = setup.Optimizer.ParameterGroups[0].LearningRate;
                double loss;
                using (TensorScope.Begin())
                {
                    var l = Trainer.CrossEntropy(model.Forward(batch.Inputs), batch.Labels);
                    loss = l.Item();
                    if (double.IsFinite(loss))
                    {
                        setup.Optimizer.ZeroGrad();
                        l.Backward();
                        setup.Optimizer.Step();
                    }
                }
                if (!double.IsFinite(loss))
                {
                    diverged = true;
                    break;
                }
                average = beta * average + (1 - beta) * loss;
                double smoothed = average / (1 - Math.Pow(beta, i + 1));
                points.Add(new LrFindPoint(i, rate, loss, smoothed));
                best = Math.Min(best, smoothed);
                lr.Step();
                if (i % 5 == 0) view.Update(0, i + 1, $"lr-find {variant.Name}: lr {rate:G3}, loss {smoothed:F3}");
                if (i > 10 && smoothed > factor * best)
                {
                    diverged = true;
                    break;
                }
            }
            return 0;
        });
        if (diverged && points.Count < Math.Max(10, steps / 10))
        {
            throw new LabException($"the loss diverged after {points.Count} of {steps} batches (lr {(points.Count > 0 ? points[^1].LearningRate : start):G3}), too early to suggest a rate; lower --start.");
        }

        var (steepest, minLoss) = Suggest(points);
        return new LrFindReport("lr-find", variant.Name, lambda, start, end, steps, beta, factor, config.BatchSize, config.Hidden, config.Seed,
            diverged, steepest, minLoss, steepest, "steepest descent of the smoothed loss against log lr", points);
    }

    /// <summary>
    /// The learning rate at the most negative slope d(smoothed loss)/d(log₁₀ lr) (central differences, the first 5% and the last
    /// 5% of the points left out as fastai does), and a tenth of the learning rate at the minimum smoothed loss.
    /// </summary>
    internal static (double Steepest, double MinLossOverTen) Suggest(IReadOnlyList<LrFindPoint> points)
    {
        int n = points.Count;
        int skipStart = Math.Max(1, n / 20), skipEnd = Math.Max(1, n / 20);
        double bestSlope = double.PositiveInfinity, steepest = points[n / 2].LearningRate;
        for (int i = skipStart; i < n - skipEnd; i++)
        {
            double dx = Math.Log10(points[i + 1].LearningRate) - Math.Log10(points[i - 1].LearningRate);
            double slope = (points[i + 1].SmoothedLoss - points[i - 1].SmoothedLoss) / dx;
            if (slope < bestSlope)
            {
                bestSlope = slope;
                steepest = points[i].LearningRate;
            }
        }
        var min = points.MinBy(p => p.SmoothedLoss)!;
        return (steepest, min.LearningRate / 10);
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
