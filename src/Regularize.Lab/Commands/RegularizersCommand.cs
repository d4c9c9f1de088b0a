using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Regularize.Data;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Spectre.Console;

namespace Regularize.Lab.Commands;

/// <summary>
/// <c>regularize regularizers</c>: what regularization buys. Trains the same MLP with AdamW on a deliberately small
/// training set (so that it overfits) with no regularizer, weight decay at several λ, L1, dropout, label smoothing,
/// mixup, EMA, SWA and early stopping, all with the same seed and data order, and writes a table, per-epoch CSV and
/// JSON, plots of train loss, test loss, test accuracy, the gap and the weight norm, and the gap against λ. With
/// <c>--model resnet</c> it trains the lab's ResNet instead and adds a stochastic depth arm (<c>--drop-path</c>, default
/// <see cref="Regularizer.DefaultDropPath"/>); the other arms' ResNet has no stochastic depth.
/// </summary>
internal static class RegularizersCommand
{
    public const int DefaultEpochs = 40;
    public const int DefaultTrainSize = 2000;
    public const int DefaultValidationSize = 1000;

    public static IReadOnlyList<string> Kinds { get; } = ["none", "wd", "l1", "dropout", "label-smoothing", "mixup", "ema", "swa", "early-stopping"];

    /// <summary>The arms with <c>--model resnet</c>: <see cref="Kinds"/> and stochastic depth.</summary>
    public static IReadOnlyList<string> ResNetKinds { get; } = [.. Kinds, "stochastic-depth"];

    /// <summary>The arms offered for <paramref name="model"/>: stochastic depth needs the ResNet's residual blocks.</summary>
    public static IReadOnlyList<string> KindsFor(string model) => model == "resnet" ? ResNetKinds : Kinds;

    public static Command Build(LabConsole console)
    {
        var command = new Command("regularizers",
            "Train one MLP on a small training set with each regularizer (none, weight decay at several λ, L1, dropout, label smoothing, mixup, EMA, SWA, early stopping) and compare overfitting. " +
            $"With --model resnet, the ResNet, plus stochastic depth (--drop-path, default {Regularizer.DefaultDropPath.ToString(CultureInfo.InvariantCulture)}; not offered for the other models).");
        var common = new TrainingOptions(command, DefaultEpochs, Path.Combine("lab-output", "regularizers"));
        var trainSize = new Option<int>("--train-size") { Description = "Training images: the first N of the training file.", DefaultValueFactory = _ => DefaultTrainSize };
        var validationSize = new Option<int>("--validation-size")
        {
            Description = "Validation images (early stopping watches their loss): the ones after the training images.",
            DefaultValueFactory = _ => DefaultValidationSize,
        };
        double[] defaultLambdas = [0.1, 1, 4];
        var lambdas = new Option<double[]?>("--lambdas")
        {
            Description = Lists.WithDefault("Weight decay λ values of the wd arms (AdamW, decoupled, on the weight matrices), comma-separated.", defaultLambdas),
            CustomParser = Lists.Doubles,
        };
        var l1 = new Option<double>("--l1") { Description = "λ₁ of the L1 arm (proximal, on the weight matrices).", DefaultValueFactory = _ => 0.05 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate of AdamW (warm-up + cosine).", DefaultValueFactory = _ => 1e-3 };
        var only = new Option<string[]?>("--only")
        {
            Description = Lists.WithDefault($"Arms to run, comma-separated from {string.Join(", ", Kinds)}, and stochastic-depth with --model resnet.", Kinds),
            CustomParser = Lists.Words,
        };
        foreach (var o in new Option[] { trainSize, validationSize, lambdas, l1, lr, only }) command.Add(o);
        command.SetAction((parse, cancellationToken) =>
        {
            var config = common.Read(parse);
            // The arms compare regularizers on the MLP or the ResNet; say so rather than train another model silently.
            if (config.Model == "cnn") throw LabException.Usage("--model: regularizers trains the MLP (mlp) or the ResNet (resnet), not cnn.");
            if (config.Augment) throw LabException.Usage("--augment: regularizers compares regularizers without augmentation; leave it out.");
            double dropPath = common.ReadDropPath(parse) ?? Regularizer.DefaultDropPath;
            if (config.Model == "resnet") config = config with { DropPath = dropPath };
            int threads = common.ReadThreads(parse);
            int n = parse.GetValue(trainSize), v = parse.GetValue(validationSize);
            if (n < 2) throw LabException.Usage($"--train-size must be at least 2, was {n}.");
            if (v < 1) throw LabException.Usage($"--validation-size must be positive, was {v}.");
            double[] grid = Lists.Or(parse.GetValue(lambdas), defaultLambdas);
            if (grid.Length == 0 || grid.Any(x => !(x > 0) || !double.IsFinite(x))) throw LabException.Usage($"--lambdas must be positive and finite, were {string.Join(",", grid)}.");
            if (grid.Distinct().Count() != grid.Length) throw LabException.Usage("--lambdas lists a value twice.");
            double l1Value = parse.GetValue(l1), lrValue = parse.GetValue(lr);
            if (!(l1Value > 0) || !double.IsFinite(l1Value)) throw LabException.Usage($"--l1 must be positive and finite, was {l1Value}.");
            if (!(lrValue > 0) || !double.IsFinite(lrValue)) throw LabException.Usage($"--lr must be positive and finite, was {lrValue}.");
            var offered = KindsFor(config.Model);
            var kinds = Lists.Or(parse.GetValue(only), offered);
            var unknown = kinds.FirstOrDefault(k => !offered.Contains(k));
            if (unknown == "stochastic-depth") throw LabException.Usage($"--only: the stochastic-depth arm needs --model resnet, not {config.Model}.");
            if (unknown is not null) throw LabException.Usage($"--only: unknown arm '{unknown}'; choose from {string.Join(", ", offered)}.");
            string output = common.ReadOut(parse);
            Run(console, config, n, v, Arms(kinds, [.. grid.Order()], l1Value, config.Epochs, config.Model, dropPath), lrValue, threads, output, cancellationToken);
            return Task.FromResult(0);
        });
        return command;
    }

    internal static List<Regularizer> Arms(IReadOnlyCollection<string> kinds, double[] lambdas, double l1, int epochs,
        string model = "mlp", double dropPath = Regularizer.DefaultDropPath)
    {
        var arms = new List<Regularizer>();
        int swaStart = Math.Min(epochs, Math.Max(1, (int)Math.Round(Regularizer.SwaStartFraction * epochs) + 1));
        foreach (string kind in KindsFor(model).Where(kinds.Contains))
        {
            switch (kind)
            {
                case "none": arms.Add(new("none", kind, 0, "AdamW, λ = 0")); break;
                case "wd": arms.AddRange(lambdas.Select(l => new Regularizer($"wd-{G(l)}", kind, l, $"AdamW, λ = {G(l)} on the weight matrices"))); break;
                case "l1": arms.Add(new("l1", kind, l1, $"Adam, proximal L1 λ₁ = {G(l1)} on the weight matrices")); break;
                case "dropout":
                    arms.Add(new("dropout", kind, 0, $"dropout p = {G(Regularizer.DropoutP)} {(model == "resnet" ? "before the linear layer" : "after each hidden ReLU")}"));
                    break;
                case "label-smoothing": arms.Add(new("label-smoothing", kind, 0, $"cross-entropy with ε = {G(Regularizer.LabelSmoothing)}")); break;
                case "mixup": arms.Add(new("mixup", kind, 0, $"mixup α = {G(Regularizer.MixupAlpha)}")); break;
                case "ema": arms.Add(new("ema", kind, 0, $"EMA of the weights, β = {G(Regularizer.EmaDecay)} with warm-up")); break;
                case "swa": arms.Add(new("swa", kind, 0, $"SWA from epoch {swaStart}, SWALR to {G(Regularizer.SwaLearningRateFactor)}·lr over {Regularizer.SwaAnnealEpochs} epochs")); break;
                case "early-stopping": arms.Add(new("early-stopping", kind, 0, $"patience {Regularizer.EarlyStoppingPatience} on the validation loss, best weights restored")); break;
                case "stochastic-depth":
                    arms.Add(new("stochastic-depth", kind, 0, $"stochastic depth (DropPath), rate linear in depth from 0 to {G(dropPath)}", dropPath));
                    break;
            }
        }
        return arms;
    }

    /// <summary>The first <paramref name="count"/> examples after <paramref name="start"/> as a dataset of their own.</summary>
    internal static InMemoryDataset Slice(InMemoryDataset data, int start, int count)
    {
        int d = data.SampleShape.Length;
        return new InMemoryDataset(data.Features.Slice(start * d, count * d).ToArray(), data.Labels.Slice(start, count).ToArray(),
            data.SampleShape, data.ClassCount);
    }

    private static void Run(LabConsole console, TrainingConfig config, int trainSize, int validationSize, List<Regularizer> arms, double lr,
        int threads, string output, CancellationToken cancellationToken)
    {
        var (all, test) = LabData.Load(config.DataFolder);
        if (trainSize + validationSize > all.Count)
        {
            throw LabException.Usage($"--train-size {trainSize} and --validation-size {validationSize} need {trainSize + validationSize} training images; the data has {all.Count}.");
        }
        var train = Slice(all, 0, trainSize);
        var validation = Slice(all, trainSize, validationSize);
        console.Line($"Fashion-MNIST from {config.DataFolder}: {trainSize} training / {validationSize} validation / {test.Count} test images; " +
            $"{(config.Model == "resnet" ? (config with { DropPath = 0 }).Describe(train.SampleShape.Length) : $"MLP {train.SampleShape.Length}-{string.Join("-", config.Hidden)}-10")}, AdamW lr {G(lr)} (warm-up + cosine), {Lists.Count(config.Epochs, "epoch")}, " +
            $"batch {config.BatchSize}, seed {config.Seed}, {threads} thread{(threads == 1 ? "" : "s")}");
        int batches = (trainSize + config.BatchSize - 1) / config.BatchSize;
        var runs = arms.Select(a => (a.Name, (double)batches * config.Epochs)).ToArray();
        var results = new RegularizerRun[arms.Count];
        var clock = Stopwatch.StartNew();
        RunProgress.Show(console, runs, progress =>
        {
            for (int i = 0; i < arms.Count; i++)
            {
                int run = i;
                results[run] = RegularizerTrial.Run(arms[run], config, train, validation, test, lr, threads,
                    trainer => progress.Follow(trainer, run, arms[run].Name, config.Epochs), cancellationToken);
            }
            return 0;
        });
        clock.Stop();
        var settings = ResultFiles.Settings(config, trainSize, test.Count);
        var report = new RegularizersReport("regularizers", settings, trainSize, validationSize, lr, [.. results]);
        var files = new List<string>();
        files.AddRange(WriteFiles(output, report));
        files.AddRange(Plot(output, report));
        PrintTable(console, report);
        console.Line($"total {clock.Elapsed.TotalSeconds:F1} s; wrote {files.Count} files to {output}");
    }

    private static IEnumerable<string> WriteFiles(string output, RegularizersReport report)
    {
        var csv = new StringBuilder("arm,epoch,steps,loop_train_loss,train_loss,train_accuracy,validation_loss,test_loss,test_accuracy,gap,weight_norm,learning_rate\n");
        foreach (var r in report.Runs)
        {
            foreach (var e in r.Epochs)
            {
                csv.AppendJoin(",", r.Name, e.Epoch.ToString(CultureInfo.InvariantCulture), e.Steps.ToString(CultureInfo.InvariantCulture),
                    ResultFiles.D(e.LoopTrainLoss), ResultFiles.D(e.TrainLoss), ResultFiles.D(e.TrainAccuracy), ResultFiles.D(e.ValidationLoss),
                    ResultFiles.D(e.TestLoss), ResultFiles.D(e.TestAccuracy), ResultFiles.D(e.Gap), ResultFiles.D(e.WeightNorm),
                    ResultFiles.D(e.LearningRate)).Append('\n');
            }
        }
        string csvPath = Path.Combine(output, "regularizers.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());
        string jsonPath = Path.Combine(output, "regularizers.json");
        ResultFiles.WriteJson(jsonPath, report);
        return [csvPath, jsonPath];
    }

    private static IEnumerable<string> Plot(string output, RegularizersReport report)
    {
        var files = new List<string>();
        void Chart(string file, string title, string yLabel, Func<RegularizerEpoch, double> value) =>
            files.AddRange(Charts.Lines(Path.Combine(output, file), title, "epoch", yLabel,
                report.Runs.Select((r, i) => new Series(r.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(value).ToArray(),
                    Color: i, Pale: i >= 10)).ToList(), height: 520, integerX: true));
        Chart("train-loss", "Training loss per epoch (evaluation mode, all training images)", "loss (nats per example)", e => e.TrainLoss);
        Chart("test-loss", "Test loss per epoch", "loss (nats per example)", e => e.TestLoss);
        Chart("test-accuracy", "Test accuracy per epoch", "accuracy (%)", e => 100 * e.TestAccuracy);
        Chart("gap", "Generalization gap per epoch: test loss − training loss", "gap (nats per example)", e => e.Gap);
        Chart("weight-norm", "Norm of the weight matrices per epoch", "‖θ‖₂", e => e.WeightNorm);

        var decay = report.Runs.Where(r => r.Kind == "none" || r.Kind == "wd").OrderBy(r => r.Lambda).ToList();
        if (decay.Count >= 2)
        {
            double[] x = Enumerable.Range(0, decay.Count).Select(i => (double)i).ToArray();
            files.AddRange(Charts.Lines(Path.Combine(output, "gap-vs-lambda"),
                $"Weight decay limits complexity: final gap and ‖θ‖ against λ",
                "weight decay λ (AdamW)", "gap: test loss − training loss",
                [
                    new Series("gap (test − train loss)", x, decay.Select(r => r.Gap).ToArray(), Color: 0),
                    new Series("‖θ‖₂ (right)", x, decay.Select(r => r.WeightNorm).ToArray(), RightAxis: true, Color: 1),
                ],
                rightLabel: "‖θ‖₂ of the weight matrices", xTicks: decay.Select((r, i) => ((double)i, G(r.Lambda))).ToArray()));
        }
        return files;
    }

    private static void PrintTable(LabConsole console, RegularizersReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"Regularizers on {report.TrainSize} training images, {Lists.Count(report.Settings.Epochs, "epoch")} (final weights of each arm)"));
        table.AddColumns("arm", "epochs", "train loss", "test loss", "gap", "train acc", "test acc", "acc gap", "‖θ‖", "time");
        for (int i = 1; i < 10; i++) table.Columns[i].RightAligned();
        foreach (var r in report.Runs)
        {
            table.AddRow(Markup.Escape(r.Name), r.EpochsRun.ToString(CultureInfo.InvariantCulture), F(r.TrainLoss, 4), F(r.TestLoss, 4), F(r.Gap, 4),
                P(r.TrainAccuracy), P(r.TestAccuracy), F(100 * r.AccuracyGap, 2), F(r.WeightNorm, 2), F(r.Seconds, 1) + " s");
        }
        console.Console.Write(table);
        console.Line("train loss and acc: all training images in evaluation mode; gap: test loss − train loss; acc gap: train − test accuracy (points); ‖θ‖: norm of the weight matrices");
    }

    private static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string P(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
