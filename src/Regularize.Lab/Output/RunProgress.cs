using Regularize.Lab.Cli;
using Regularize.Training;
using Spectre.Console;

namespace Regularize.Lab.Output;

/// <summary>
/// Progress of several runs: live bars (done/total, ETA) on a terminal; on redirected output only the lines
/// passed to <see cref="Line"/>. Safe to call from several threads.
/// </summary>
internal sealed class RunProgress
{
    private readonly LabConsole _console;
    private readonly object _gate = new();
    private ProgressTask[]? _tasks;

    /// <summary>The live bars, one per run (null on redirected output); for tests.</summary>
    internal IReadOnlyList<ProgressTask>? Tasks => _tasks;

    private RunProgress(LabConsole console) => _console = console;

    public static T Show<T>(LabConsole console, IReadOnlyList<(string Name, double Total)> runs, Func<RunProgress, T> body)
    {
        var progress = new RunProgress(console);
        if (!console.Interactive) return body(progress);
        T result = default!;
        console.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                // A bar starts at its run's first update, so its elapsed time is its own, not the time the runs before it took.
                progress._tasks = runs.Select(r => ctx.AddTask(Markup.Escape(r.Name), autoStart: false, maxValue: Math.Max(1, r.Total))).ToArray();
                result = body(progress);
                foreach (var t in progress._tasks)
                {
                    if (!t.IsStarted) t.StartTask();
                    t.Value = t.MaxValue;
                }
            });
        return result;
    }

    /// <summary>Moves run <paramref name="run"/>'s bar to <paramref name="done"/> and sets its description.</summary>
    public void Update(int run, double done, string description)
    {
        if (_tasks is null) return;
        var task = _tasks[run];
        lock (_gate)
        {
            if (!task.IsStarted) task.StartTask();
        }
        task.Value = done;
        task.Description = Markup.Escape(description);
    }

    /// <summary>
    /// Follows <paramref name="trainer"/> as run <paramref name="run"/>: its bar moves every few batches, and each epoch
    /// ends with a line (train loss, test accuracy, ‖θ‖ of the decayed weights, seconds) headed by <paramref name="name"/>.
    /// </summary>
    public void Follow(Trainer trainer, int run, string name, int epochs)
    {
        trainer.BatchEnded += (_, e) =>
        {
            if (e.Batch % 5 == 0 || e.Batch == e.BatchesPerEpoch) Update(run, e.Step, $"{name} epoch {e.Epoch}/{epochs} loss {e.Loss:F3}");
        };
        trainer.EpochEnded += (_, e) => Line(
            $"{name,-8} epoch {e.Metrics.Epoch}/{epochs}: train loss {e.Metrics.TrainLoss:F4}, " +
            $"test acc {100 * e.Metrics.TestAccuracy:F2}%, ‖θ‖ {e.Metrics.DecayedWeightNorm:F2} ({e.Metrics.Elapsed.TotalSeconds:F1} s)");
    }

    /// <summary>A plain line: printed when the output is not interactive (logs), left out under live bars.</summary>
    public void Line(string text)
    {
        if (_tasks is not null) return;
        lock (_gate) _console.Line(text);
    }
}
