using System.CommandLine;
using System.Globalization;
using System.Text;
using Regularize.Data;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;
using Regularize.Lab.Output;
using Spectre.Console;

namespace Regularize.Lab.Commands;

/// <summary>
/// <c>regularize sweep</c>: a learning rate × weight decay grid for one optimizer, trials in parallel, drawn as a heatmap of
/// final test error (Loshchilov &amp; Hutter, figure 2). <c>--shard i/n</c> runs trials i, i+n, … and writes a part file;
/// <c>regularize sweep merge</c> joins the parts. Every finished trial is saved at once in a progress file, so an
/// interrupted sweep continues with <c>--resume</c> from the trials it had not finished.
/// </summary>
internal static class SweepCommand
{
    public const int DefaultEpochs = 8;

    public static Command Build(LabConsole console)
    {
        var command = new Command("sweep", "Grid over learning rate × weight decay for one optimizer; heatmap of the final test error.");
        var common = new TrainingOptions(command, DefaultEpochs, Path.Combine("lab-output", "sweep"));
        var optimizer = VariantOptions.VariantOption("adamw");
        var lrs = new Option<double[]?>("--lrs") { Description = "Peak learning rates, comma-separated (default: 0.01,0.03,0.1,0.3 for SGD; 0.3, 1, 3 and 10 times the variant's default lr for the others, 3e-4,1e-3,3e-3,1e-2 for Adam).", CustomParser = Lists.Doubles };
        var wds = new Option<double[]?>("--weight-decays") { Description = "Weight decays λ, comma-separated (default: 0,1e-4,1e-3,1e-2,1e-1 for coupled L2 and --decay-scaling schedule; 0,1e-3,1e-2,0.1,1 for sgdw and 0,1,3,10,30 for adamw and lion with lr scaling).", CustomParser = Lists.Doubles };
        var scaling = VariantOptions.DecayScalingOption();
        var shard = new Option<string?>("--shard") { Description = "Run only part i of n (0-based: trials i, i+n, …), e.g. --shard $SLURM_ARRAY_TASK_ID/8; writes a part file for 'sweep merge'." };
        command.Add(optimizer);
        command.Add(lrs);
        command.Add(wds);
        command.Add(scaling);
        command.Add(shard);
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue an interrupted sweep: skip the trials already saved in the output folder's progress file " +
                "(written after every trial); give the same options as the first run.",
        };
        command.Add(resume);
        command.SetAction((parse, cancellationToken) =>
        {
            var config = common.Read(parse);
            int threads = common.ReadThreads(parse);
            var variant = VariantOptions.Find(parse.GetValue(optimizer)!);
            double[] lrValues = parse.GetValue(lrs) is { Length: > 0 } givenLrs ? givenLrs : variant.DefaultSweepLearningRates;
            var decayScaling = VariantOptions.ReadDecayScaling(parse, scaling);
            double[] wdValues = parse.GetValue(wds) is { Length: > 0 } givenWds ? givenWds : DefaultWeightDecays(variant, decayScaling);
            if (SweepGrid.Problem(lrValues, wdValues, "--lrs", "--weight-decays") is { } problem) throw LabException.Usage(problem + ".");
            var (index, count) = ParseShard(parse.GetValue(shard));
            string output = common.ReadOut(parse);
            Run(console, config, variant, decayScaling, lrValues, wdValues, index, count, threads, output, parse.GetValue(resume), cancellationToken);
            return Task.FromResult(0);
        });

        var merge = new Command("merge", "Merge the part files of a sharded sweep (files, or folders holding sweep-part-*.json) and draw the heatmap.");
        var inputs = new Argument<string[]>("parts") { Description = "Part files or folders.", Arity = ArgumentArity.OneOrMore };
        var mergeOut = TrainingOptions.OutputOption(Path.Combine("lab-output", "sweep"));
        merge.Add(inputs);
        merge.Add(mergeOut);
        merge.SetAction(parse =>
        {
            var report = Merge(parse.GetValue(inputs)!);
            string output = parse.GetValue(mergeOut)!;
            Directory.CreateDirectory(output);
            var files = WriteComplete(output, report);
            PrintSummary(console, report);
            console.Line($"merged {report.Trials.Count} trials; wrote {string.Join(", ", files)}");
            return 0;
        });
        command.Add(merge);
        return command;
    }

    /// <summary>
    /// λ values that span "no effect" to "too strong" in a short run: coupled L2 and the paper's ηₜ·λ need small values;
    /// PyTorch-style decoupled decay shrinks by lr·λ per step, so it needs about 1/lr times larger ones.
    /// </summary>
    internal static double[] DefaultWeightDecays(Variant variant, Regularization.DecayScaling scaling) =>
        !variant.IsDecoupled || scaling == Regularization.DecayScaling.ScheduleMultiplier ? [0, 1e-4, 1e-3, 1e-2, 1e-1]
        : variant.LrScaledSweepDecays ?? [0, 1e-3, 1e-2, 1e-1, 1];

    internal static (int Index, int Count) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || n < 1 || i >= n)
        {
            throw LabException.Usage($"--shard must be i/n with 0 <= i < n (e.g. 0/4), was '{text}'.");
        }
        return (i, n);
    }

    private static void Run(LabConsole console, TrainingConfig config, Variant variant, Regularization.DecayScaling scaling,
        double[] lrs, double[] wds, int shardIndex, int shardCount, int threads, string output, bool resume, CancellationToken cancellationToken)
    {
        var (train, test) = LabData.Load(config.DataFolder);
        var grid = new SweepGrid(variant.Name, VariantOptions.Name(scaling), lrs, wds, config.Epochs, config.BatchSize,
            config.Widths, config.Seed, train.Count, test.Count, Fingerprint(train, test), config.Model, config.Augment,
            config.Model == "resnet" ? config.DropPath : null);
        var indices = Enumerable.Range(0, grid.TrialCount).Where(t => t % shardCount == shardIndex).ToArray();
        string progressFile = Path.Combine(output, shardCount == 1 ? "sweep-progress.json" : $"sweep-progress-{shardIndex}-of-{shardCount}.json");
        var finished = new SortedDictionary<int, SweepTrial>();
        if (resume)
        {
            foreach (var t in ReadProgress(progressFile, grid, shardIndex, shardCount, indices)) finished[t.Index] = t;
        }
        console.Line($"sweep {grid.Describe()}");
        console.Line((shardCount == 1
            ? $"{indices.Length} trials, up to {threads} at a time"
            : $"shard {shardIndex}/{shardCount}: {indices.Length} of {grid.TrialCount} trials, up to {threads} at a time") +
            (resume ? $"; {finished.Count} already finished in {progressFile}" : ""));

        int batches = DataLoader.CountBatches(train.Count, config.BatchSize, dropLast: false);
        var todo = indices.Where(t => !finished.ContainsKey(t)).ToArray();
        double total = (double)todo.Length * batches * config.Epochs;
        long done = 0;
        var gate = new object();
        try
        {
            RunProgress.Show(console, [("sweep", total)], progress =>
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
                Parallel.For(0, todo.Length, options, k =>
                {
                    int t = todo[k];
                    var spec = new TrialSpec(variant, lrs[t / wds.Length], wds[t % wds.Length]);
                    var result = Trial.Run(spec, config, train, test, threads: 1, trainer =>
                    {
                        trainer.BatchEnded += (_, e) =>
                        {
                            long now = Interlocked.Increment(ref done);
                            if (now % 10 == 0) progress.Update(0, now, $"sweep {variant.Name}");
                        };
                    }, cancellationToken, scaling);
                    var m = result.Final;
                    var trial = new SweepTrial(t, spec.LearningRate, spec.WeightDecay, m.TrainLoss, m.TestLoss, m.TestAccuracy,
                        ResultFiles.ErrorRate(m.TestAccuracy, test.Count), m.DecayedWeightNorm, result.Diverged, Math.Round(m.TotalElapsed.TotalSeconds, 3));
                    lock (gate)
                    {
                        // Saved before the next trial starts, so an interruption loses at most the trials in flight.
                        finished[t] = trial;
                        ResultFiles.WriteJson(progressFile, new SweepReport("sweep", SweepReport.Version, grid, shardIndex, shardCount, finished.Values.ToList()));
                    }
                    progress.Line($"trial {t}: lr {G(spec.LearningRate)}, λ {G(spec.WeightDecay)} → test error {100 * (1 - m.TestAccuracy):F2}%" +
                        $"{(result.Diverged ? " (diverged)" : "")} ({m.TotalElapsed.TotalSeconds:F1} s)");
                });
                return 0;
            });
        }
        catch (Exception e) when (e is OperationCanceledException || (e is AggregateException a && a.Flatten().InnerExceptions.All(x => x is OperationCanceledException)))
        {
            throw new LabException($"interrupted; {finished.Count} of {indices.Length} trials are saved in {progressFile}. " +
                "Run the same command with --resume to continue.", e) { ExitCode = LabApp.Interrupted };
        }
        var trials = indices.Select(t => finished[t]).ToArray();

        var report = new SweepReport("sweep", SweepReport.Version, grid, shardIndex, shardCount, trials.ToList());
        if (shardCount > 1)
        {
            string part = Path.Combine(output, $"sweep-part-{shardIndex}-of-{shardCount}.json");
            ResultFiles.WriteJson(part, report);
            console.Line($"wrote {part}; merge the parts with: regularize sweep merge {output}");
            return;
        }
        var files = WriteComplete(output, report);
        PrintSummary(console, report);
        console.Line($"wrote {string.Join(", ", files)}");
    }

    /// <summary>The trials saved by an interrupted run of the same grid and shard; none when the file does not exist.</summary>
    private static List<SweepTrial> ReadProgress(string file, SweepGrid grid, int shardIndex, int shardCount, int[] indices)
    {
        if (!File.Exists(file)) return [];
        var report = SweepReport.Read(file);
        if (!report.Grid.SameAs(grid))
        {
            throw new LabException($"{file} belongs to another sweep: {report.Grid.Describe()}; this run is {grid.Describe()}. " +
                "Resume with the same options, or leave out --resume to start again.");
        }
        if (report.ShardIndex != shardIndex || report.ShardCount != shardCount)
        {
            throw new LabException($"{file} belongs to shard {report.ShardIndex}/{report.ShardCount}, not {shardIndex}/{shardCount}.");
        }
        return report.Trials; // SweepReport.Read checked that each trial is in the file's shard, once
    }

    /// <summary>Joins part files; every file is read and checked in full, and checked against the others, before
    /// anything is written.</summary>
    internal static SweepReport Merge(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input)) files.AddRange(Directory.GetFiles(input, "sweep-part-*.json").Order(StringComparer.Ordinal));
            else if (File.Exists(input)) files.Add(input);
            else throw new LabException($"'{input}' is neither a file nor a folder.");
        }
        if (files.Count == 0) throw new LabException("no sweep part files (sweep-part-*.json) found.");

        SweepReport? first = null;
        string firstFile = "";
        var trials = new SortedDictionary<int, (SweepTrial Trial, string File)>();
        foreach (string file in files.Distinct())
        {
            SweepReport report = SweepReport.Read(file);
            if (first is null)
            {
                first = report;
                firstFile = file;
            }
            else if (!report.Grid.SameAs(first.Grid))
            {
                throw new LabException($"{file} belongs to another grid than {firstFile}: {report.Grid.Describe()} vs {first.Grid.Describe()}.");
            }
            foreach (var t in report.Trials)
            {
                if (trials.TryGetValue(t.Index, out var seen) && seen.Trial with { Seconds = 0 } != t with { Seconds = 0 })
                    throw new LabException($"{file}: trial {t.Index} differs from the same trial in {seen.File}.");
                trials[t.Index] = (t, file);
            }
        }
        var grid = first!.Grid;
        var missing = Enumerable.Range(0, grid.TrialCount).Where(i => !trials.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
        {
            throw new LabException($"the parts hold {trials.Count} of {grid.TrialCount} trials; missing trial(s) {string.Join(",", missing.Take(10))}" +
                $"{(missing.Length > 10 ? ",…" : "")} (shards {string.Join(",", missing.Select(i => i % first.ShardCount).Distinct().Take(10))} of {first.ShardCount}?).");
        }
        return new SweepReport("sweep", SweepReport.Version, grid, 0, 1, trials.Values.Select(v => v.Trial).ToList());
    }

    private static List<string> WriteComplete(string output, SweepReport report)
    {
        var grid = report.Grid;
        var files = new List<string>();
        var csv = new StringBuilder("index,learning_rate,weight_decay,train_loss,test_loss,test_accuracy,test_error,decayed_weight_norm,diverged\n");
        foreach (var t in report.Trials.OrderBy(t => t.Index))
        {
            csv.AppendJoin(",", t.Index.ToString(CultureInfo.InvariantCulture), ResultFiles.D(t.LearningRate), ResultFiles.D(t.WeightDecay),
                ResultFiles.D(t.TrainLoss), ResultFiles.D(t.TestLoss), ResultFiles.D(t.TestAccuracy), ResultFiles.D(t.TestError),
                ResultFiles.D(t.DecayedWeightNorm), t.Diverged ? "true" : "false").Append('\n');
        }
        string csvPath = Path.Combine(output, "sweep.csv");
        ResultFiles.WriteText(csvPath, csv.ToString());
        files.Add(csvPath);
        string jsonPath = Path.Combine(output, "sweep.json");
        ResultFiles.WriteJson(jsonPath, report);
        files.Add(jsonPath);

        var errors = new double[grid.LearningRates.Length, grid.WeightDecays.Length];
        foreach (var t in report.Trials) errors[t.Index / grid.WeightDecays.Length, t.Index % grid.WeightDecays.Length] = 100 * t.TestError;
        var best = report.Trials.Where(t => double.IsFinite(t.TestError)).MinBy(t => t.TestError);
        files.AddRange(Charts.Heatmap(Path.Combine(output, "heatmap"),
            $"{grid.Optimizer}: final test error (%) after {Lists.Count(grid.Epochs, "epoch")}",
            grid.Optimizer.EndsWith("l2", StringComparison.Ordinal) ? "L2 factor λ (coupled)" : $"weight decay λ (decoupled, {grid.DecayScaling} scaling)",
            "peak learning rate",
            grid.WeightDecays.Select(G).ToArray(), grid.LearningRates.Select(G).ToArray(), errors, "test error (%)", "F1",
            best is null ? null : (best.Index / grid.WeightDecays.Length, best.Index % grid.WeightDecays.Length)));
        return files;
    }

    private static void PrintSummary(LabConsole console, SweepReport report)
    {
        var grid = report.Grid;
        var table = new Table().Border(TableBorder.Rounded).Title($"{grid.Optimizer}: final test error (%), rows lr, columns λ");
        table.AddColumn("lr \\ λ");
        foreach (var wd in grid.WeightDecays) table.AddColumn(new TableColumn(G(wd)).RightAligned());
        var best = report.Trials.Where(t => double.IsFinite(t.TestError)).MinBy(t => t.TestError);
        for (int r = 0; r < grid.LearningRates.Length; r++)
        {
            var cells = new List<string> { G(grid.LearningRates[r]) };
            for (int c = 0; c < grid.WeightDecays.Length; c++)
            {
                var t = report.Trials.First(x => x.Index == r * grid.WeightDecays.Length + c);
                string text = (100 * t.TestError).ToString("F2", CultureInfo.InvariantCulture) + (t.Diverged ? "*" : "");
                cells.Add(t == best ? $"[bold]{text}[/]" : text);
            }
            table.AddRow(cells.ToArray());
        }
        console.Console.Write(table);
        if (best is not null)
            console.Line($"best: lr {G(best.LearningRate)}, λ {G(best.WeightDecay)} → test error {100 * best.TestError:F2}%");
        if (report.Trials.Any(t => t.Diverged)) console.Line("* diverged (non-finite loss); its error is that of the weights when it stopped");
    }

    /// <summary>A short hash of the data, so parts computed on different machines can be checked to have used the same files.</summary>
    private static string Fingerprint(InMemoryDataset train, InMemoryDataset test)
    {
        // FNV-1a over the bytes of the features and labels.
        ulong h = 14695981039346656037UL;
        void Add(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes) h = (h ^ b) * 1099511628211UL;
        }
        foreach (var d in new[] { train, test })
        {
            Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Features));
            Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Labels));
        }
        return h.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
