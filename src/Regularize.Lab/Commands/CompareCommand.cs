using System.CommandLine;
using System.Globalization;
using System.Text;
using Regularize.Data;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Regularize.Onnx;
using Spectre.Console;

namespace Regularize.Lab.Commands;

/// <summary>
/// <c>regularize compare</c>: trains the same MLP with several optimizer variants (same seed, same data order) and
/// writes a table, per-epoch CSV and JSON, and plots. Each variant's checkpoint is saved after every epoch in
/// <c>checkpoints/</c> under the output folder; <c>--resume</c> continues an interrupted run from them, with the same
/// results as a run that never stopped. <c>--export-onnx</c> also writes each trained variant as <c>&lt;variant&gt;.onnx</c>.
/// </summary>
internal static class CompareCommand
{
    public const int DefaultEpochs = 20;

    public static Command Build(LabConsole console)
    {
        var command = new Command("compare", "Train the same MLP with several optimizer variants (coupled L2 vs decoupled weight decay) and compare them.");
        var common = new TrainingOptions(command, DefaultEpochs, Path.Combine("lab-output", "compare"));
        var variants = VariantOptions.VariantsOption();
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate for every variant (default: each variant's own)." };
        var wd = new Option<double?>("--weight-decay") { Description = "Weight decay λ for every variant (default: each variant's own)." };
        var parallel = new Option<bool>("--parallel") { Description = "Train the variants at the same time, splitting the threads between them (same results)." };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue an interrupted run from the checkpoints in the output folder (written after every epoch); " +
                "give the same options as the first run. The results are the same bits as a run that never stopped.",
        };
        command.Add(variants);
        command.Add(lr);
        command.Add(wd);
        var scaling = VariantOptions.DecayScalingOption();
        command.Add(parallel);
        command.Add(scaling);
        command.Add(resume);
        var exportOnnx = new Option<bool>("--export-onnx")
        {
            Description = "Also write each trained variant as an ONNX model, <output>/<variant>.onnx (opset 17, input 'input' [batch, pixels], output 'output' [batch, classes]); see docs/onnx.md.",
        };
        command.Add(exportOnnx);
        command.SetAction((parse, cancellationToken) =>
        {
            var config = common.Read(parse);
            int threads = common.ReadThreads(parse);
            var chosen = ReadVariants(Lists.Or(parse.GetValue(variants), Variant.DefaultNames));
            double? lrValue = parse.GetValue(lr), wdValue = parse.GetValue(wd);
            if (lrValue is { } l && !(l > 0 && double.IsFinite(l))) throw LabException.Usage($"--lr must be positive and finite, was {l.ToString(CultureInfo.InvariantCulture)}.");
            if (wdValue is { } w && !(w >= 0 && double.IsFinite(w))) throw LabException.Usage($"--weight-decay must be >= 0 and finite, was {w.ToString(CultureInfo.InvariantCulture)}.");
            string output = common.ReadOut(parse);
            var specs = chosen.Select(v => new TrialSpec(v, lrValue ?? v.LearningRate, wdValue ?? v.WeightDecay)).ToArray();
            Run(console, config, specs, threads, parse.GetValue(parallel), VariantOptions.ReadDecayScaling(parse, scaling), output,
                parse.GetValue(resume), parse.GetValue(exportOnnx), cancellationToken);
            return Task.FromResult(0);
        });
        return command;
    }

    internal static IReadOnlyList<Variant> ReadVariants(string[] names)
    {
        var list = names.Select(VariantOptions.Find).ToList();
        var duplicate = list.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw LabException.Usage($"--variant lists '{duplicate.Key}' twice.");
        return list;
    }

    private static void Run(LabConsole console, TrainingConfig config, TrialSpec[] specs, int threads, bool parallel,
        Regularization.DecayScaling scaling, string output, bool resume, bool exportOnnx, CancellationToken cancellationToken)
    {
        var (train, test) = LabData.Load(config.DataFolder);
        console.Line($"Fashion-MNIST from {config.DataFolder}: {train.Count} training / {test.Count} test images; " +
            $"{config.Describe(train.SampleShape.Length)}, {Lists.Count(config.Epochs, "epoch")}, batch {config.BatchSize}, seed {config.Seed}, " +
            $"{threads} thread{(threads == 1 ? "" : "s")}{(parallel ? ", variants in parallel" : "")}");
        var settings = ResultFiles.Settings(config, train.Count, test.Count);
        var checkpoints = specs.Select(s => new TrialCheckpoint(TrialCheckpoint.PathFor(output, s.Variant.Name),
            new TrialRecord("compare", settings, s.Variant.Name, s.LearningRate, s.WeightDecay, VariantOptions.Name(scaling), double.NaN, []))).ToArray();
        if (resume) LoadCheckpoints(console, config, checkpoints);

        int batches = DataLoader.CountBatches(train.Count, config.BatchSize, dropLast: false);
        var runs = specs.Select(s => (s.Variant.Name, (double)batches * config.Epochs)).ToArray();
        var results = new TrialResult[specs.Length];
        var onnxFiles = exportOnnx ? specs.Select(s => Path.Combine(output, s.Variant.Name + ".onnx")).ToArray() : null;
        if (exportOnnx) CheckExportable(config, train, specs[0]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            RunProgress.Show(console, runs, progress => RunAll(progress, config, specs, checkpoints, train, test, threads, parallel, scaling, results, onnxFiles, cancellationToken));
        }
        catch (OperationCanceledException e)
        {
            throw new LabException($"interrupted; every finished epoch is saved in {Path.Combine(output, "checkpoints")}. " +
                "Run the same command with --resume to continue.", e) { ExitCode = LabApp.Interrupted };
        }
        clock.Stop();

        var files = new List<string>();
        files.AddRange(WriteFiles(output, config, train.Count, test.Count, results, scaling));
        files.AddRange(Plot(output, config, results, scaling));
        files.AddRange(onnxFiles ?? []);
        PrintTable(console, results);
        PrintLayers(console, results);
        PrintPairs(console, results);
        console.Line($"total {clock.Elapsed.TotalSeconds:F1} s; wrote {files.Count} files to {output}");
    }

    /// <summary>Reads every variant's checkpoint that exists, before any training, and says where each variant starts.</summary>
    private static void LoadCheckpoints(LabConsole console, TrainingConfig config, TrialCheckpoint[] checkpoints)
    {
        foreach (var c in checkpoints)
        {
            string name = c.Trial.Variant;
            if (!c.Load())
            {
                console.Line($"{name,-8} no checkpoint at {c.Path}; training from the start");
                continue;
            }
            var saved = c.Resume!;
            console.Line(saved.Finished(config.Epochs)
                ? $"{name,-8} finished in {c.Path} ({Lists.Count(saved.History.Count, "epoch")}{(saved.History.Any(m => m.Diverged) ? ", diverged" : "")}); results read back"
                : $"{name,-8} resuming after epoch {saved.History.Count}/{config.Epochs} from {c.Path}");
        }
    }

    private static int RunAll(RunProgress progress, TrainingConfig config, TrialSpec[] specs, TrialCheckpoint[] checkpoints, IDataset train, IDataset test,
        int threads, bool parallel, Regularization.DecayScaling scaling, TrialResult[] results, string[]? onnxFiles, CancellationToken cancellationToken)
    {
        void RunOne(int i, int trialThreads)
        {
            var spec = specs[i];
            if (checkpoints[i].Resume is { } saved && saved.History.Count > 0)
            {
                progress.Update(i, saved.History[^1].Steps, $"{spec.Variant.Name} resumed after epoch {saved.History.Count}/{config.Epochs}");
            }
            results[i] = Trial.Run(spec, config, train, test, trialThreads, trainer => progress.Follow(trainer, i, spec.Variant.Name, config.Epochs),
                cancellationToken, scaling, checkpoints[i],
                onnxFiles is null ? null : model => OnnxExporter.Save(model, onnxFiles[i], OnnxOptions(train, spec)));
        }

        if (parallel && specs.Length > 1)
        {
            int each = Math.Max(1, threads / specs.Length);
            try
            {
                Parallel.For(0, specs.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(threads, specs.Length) }, i => RunOne(i, each));
            }
            catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is OperationCanceledException))
            {
                throw new OperationCanceledException("The run was cancelled.", e, cancellationToken);
            }
        }
        else
        {
            for (int i = 0; i < specs.Length; i++) RunOne(i, threads);
        }
        return 0;
    }

    /// <summary>
    /// Exports the untrained model to memory before any training, so that a model <c>--export-onnx</c> cannot write
    /// fails at once rather than after the last epoch.
    /// </summary>
    private static void CheckExportable(TrainingConfig config, IDataset train, TrialSpec spec)
    {
        var model = Trial.Build(config, train.SampleShape.Length, Trial.FashionMnistClasses(train));
        try
        {
            using var memory = new MemoryStream();
            OnnxExporter.Save(model, memory, OnnxOptions(train, spec));
        }
        catch (Exception e) when (e is UnsupportedModuleException or ArgumentException)
        {
            throw new LabException($"--export-onnx: the {config.Model} model cannot be exported: {e.Message}", e);
        }
    }

    /// <summary>The export of one trained variant: its input is a flattened image normalised as the lab's data is, and the metadata says so.</summary>
    private static OnnxExportOptions OnnxOptions(IDataset train, TrialSpec spec)
    {
        var n = FashionMnist.TrainingSetNormalization;
        return new OnnxExportOptions
        {
            InputShape = [train.SampleShape.Length],
            Metadata = new Dictionary<string, string>
            {
                ["input"] = $"{train.SampleShape.Length} pixels of an image, row-major, each scaled to [0, 1] (byte / 255) then normalised as (x - {G(n.Mean)}) / {G(n.Std)}",
                ["output"] = "one logit per class; softmax gives the probabilities",
                ["variant"] = $"{spec.Variant.Name}: lr {G(spec.LearningRate)}, weight decay {G(spec.WeightDecay)}",
            },
        };
    }

    private static void PrintTable(LabConsole console, TrialResult[] results)
    {
        // The zeros column matters only where an L1 step can leave exact zeros.
        bool zeros = results.Any(r => r.Spec.Variant.IsL1);
        var table = new Table().Border(TableBorder.Rounded).Title("coupled L2 (*-l2) vs decoupled weight decay (*w)");
        table.AddColumns("variant", "lr", "λ", "train loss", "test loss", "test acc", "‖θ‖ decayed", "‖θ‖ all");
        if (zeros) table.AddColumn("zeros");
        table.AddColumn("time");
        for (int i = 1; i < table.Columns.Count; i++) table.Columns[i].RightAligned();
        foreach (var r in results)
        {
            var m = r.Final;
            var cells = new List<string>
            {
                Markup.Escape(r.Spec.Variant.Name + (r.Diverged ? " (diverged)" : "")),
                G(r.Spec.LearningRate), (r.Spec.Variant.IsL1 ? "λ₁ " : "") + G(r.Spec.WeightDecay),
                m.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                m.TestLoss.ToString("F4", CultureInfo.InvariantCulture),
                Percent(m.TestAccuracy),
                m.DecayedWeightNorm.ToString("F2", CultureInfo.InvariantCulture),
                m.WeightNorm.ToString("F2", CultureInfo.InvariantCulture),
            };
            if (zeros) cells.Add(Percent(r.ZeroFraction));
            cells.Add(r.History.Sum(e => e.Elapsed.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture) + " s");
            table.AddRow(cells.ToArray());
        }
        console.Console.Write(table);
    }

    /// <summary>Each weight matrix at the end: ‖W‖₂ with the λ (or λ₁) its group used, and its exact zeros when an L1 variant ran.</summary>
    private static void PrintLayers(LabConsole console, TrialResult[] results)
    {
        bool zeros = results.Any(r => r.Spec.Variant.IsL1);
        var layers = results[0].Layers;
        var table = new Table().Border(TableBorder.Rounded)
            .Title(zeros ? "each weight matrix at the end: ‖W‖₂ (λ or λ₁ of its group; exact zeros)" : "each weight matrix at the end: ‖W‖₂ (λ of its group)");
        table.AddColumn("variant");
        foreach (var l in layers) table.AddColumn(new TableColumn($"{l.Name} {string.Join("×", l.Shape)}").RightAligned());
        foreach (var r in results)
        {
            var cells = new List<string> { Markup.Escape(r.Spec.Variant.Name) };
            foreach (var l in r.Layers)
            {
                string coefficient = r.Spec.Variant.IsL1 ? $"λ₁ {G(l.L1)}" : $"λ {G(l.WeightDecay)}";
                string cell = $"{l.Norm.ToString("F2", CultureInfo.InvariantCulture)} ({coefficient}";
                cells.Add(zeros ? $"{cell}; {Percent((double)l.Zeros / l.Count)})" : cell + ")");
            }
            table.AddRow(cells.ToArray());
        }
        console.Console.Write(table);
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>For each coupled/decoupled pair trained with the same λ, one line on what the placement did.</summary>
    private static void PrintPairs(LabConsole console, TrialResult[] results)
    {
        foreach (var (coupled, decoupled) in new[] { ("sgd-l2", "sgdw"), ("adam-l2", "adamw") })
        {
            var c = results.FirstOrDefault(r => r.Spec.Variant.Name == coupled);
            var d = results.FirstOrDefault(r => r.Spec.Variant.Name == decoupled);
            if (c is null || d is null || c.Spec.WeightDecay != d.Spec.WeightDecay || c.Spec.WeightDecay == 0) continue;
            console.Line($"same λ = {G(c.Spec.WeightDecay)}: {coupled} ends with ‖θ‖ {c.Final.DecayedWeightNorm:F2} and test loss {c.Final.TestLoss:F3}, " +
                $"{decoupled} with ‖θ‖ {d.Final.DecayedWeightNorm:F2} and test loss {d.Final.TestLoss:F3}");
        }
    }

    internal static IEnumerable<string> WriteFiles(string output, TrainingConfig config, int trainCount, int testCount, IReadOnlyList<TrialResult> results,
        Regularization.DecayScaling scaling)
    {
        var csv = new StringBuilder(ResultFiles.EpochCsvHeader("variant") + "\n");
        foreach (var r in results)
        {
            foreach (var m in r.History) csv.Append(ResultFiles.EpochCsvRow(r.Spec.Variant.Name, m)).Append('\n');
        }
        string csvPath = Path.Combine(output, "compare.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());

        var report = new CompareReport("compare", ResultFiles.Settings(config, trainCount, testCount), VariantOptions.Name(scaling),
            results.Select(r => new VariantReport(r.Spec.Variant.Name, r.Spec.Variant.Title, r.Description, r.Spec.LearningRate,
                r.Spec.WeightDecay, r.Diverged, r.History.Select(ResultFiles.Row).ToList(), r.Layers.ToList())).ToList());
        string jsonPath = Path.Combine(output, "compare.json");
        ResultFiles.WriteJson(jsonPath, report);
        return [csvPath, jsonPath];
    }

    /// <summary>True when two results ran the same learning-rate schedule (same peak, same shape).</summary>
    private static bool SameSchedule(TrialResult a, TrialResult b) =>
        a.Spec.LearningRate == b.Spec.LearningRate && a.Spec.Variant.ScheduleFree == b.Spec.Variant.ScheduleFree;

    private static IEnumerable<string> Plot(string output, TrainingConfig config, IReadOnlyList<TrialResult> results, Regularization.DecayScaling scaling)
    {
        var files = new List<string>(EpochCharts.Write(output, results.Select(r => (r.Spec.Variant.Name, r)).ToList()));
        var lr = new List<Series>();
        var decay = new List<Series>();

        // Variants with the same schedule (same peak lr, same λ and decay form) share one line, labelled with all their names.
        int n = (int)results[0].TotalSteps;
        var steps = Enumerable.Range(0, n).Select(t => (double)t).ToArray();
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            if (results.Take(i).Any(q => SameSchedule(q, r))) continue;
            var schedule = r.Spec.Variant.Schedule(r.Spec.LearningRate, r.TotalSteps);
            string names = string.Join(", ", results.Where(q => SameSchedule(q, r)).Select(q => q.Spec.Variant.Name));
            lr.Add(new Series(names, steps, steps.Select(t => schedule.At((long)t)).ToArray(), Color: i));
        }
        double Scale(TrialResult r) => r.Spec.Variant.IsDecoupled && scaling == Regularization.DecayScaling.ScheduleMultiplier ? 1 / r.Spec.LearningRate : 1;
        for (int i = 0; i < results.Count; i++)
        {
            // The coefficient of θ per step: lr(t)·λ, or ηₜ·λ = lr(t)/peak·λ for decoupled decay with the paper's scaling.
            var r = results[i];
            bool Same(TrialResult q) => SameSchedule(q, r) && q.Spec.WeightDecay == r.Spec.WeightDecay && Scale(q) == Scale(r);
            if (results.Take(i).Any(Same)) continue;
            var schedule = r.Spec.Variant.Schedule(r.Spec.LearningRate, r.TotalSteps);
            string names = string.Join(", ", results.Where(Same).Select(q => q.Spec.Variant.Name));
            decay.Add(new Series($"{names} (λ = {G(r.Spec.WeightDecay)})", steps,
                steps.Select(t => schedule.At((long)t) * Scale(r) * r.Spec.WeightDecay).ToArray(), Color: i));
        }

        files.AddRange(Charts.Lines(Path.Combine(output, "learning-rate"), results.Any(r => r.Spec.Variant.ScheduleFree) ? "Learning rate per step: warm-up, then cosine or flat" : "Learning rate per step: linear warm-up, then cosine",
            "step (batch)", "learning rate", lr, logY: true));
        files.AddRange(Charts.Lines(Path.Combine(output, "weight-decay"), "Decay coefficient per step",
            "step (batch)", scaling == Regularization.DecayScaling.ScheduleMultiplier ? "lr(t)·λ, or ηₜ·λ (decoupled)" : "lr(t)·λ", decay, logY: true));
        return files;
    }

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
