using Regularize.Lab.Cli;
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
                progress._tasks = runs.Select(r => ctx.AddTask(Markup.Escape(r.Name), autoStart: true, maxValue: Math.Max(1, r.Total))).ToArray();
                result = body(progress);
                foreach (var t in progress._tasks) t.Value = t.MaxValue;
            });
        return result;
    }

    /// <summary>Moves run <paramref name="run"/>'s bar to <paramref name="done"/> and sets its description.</summary>
    public void Update(int run, double done, string description)
    {
        if (_tasks is null) return;
        var task = _tasks[run];
        task.Value = done;
        task.Description = Markup.Escape(description);
    }

    /// <summary>A plain line: printed when the output is not interactive (logs), left out under live bars.</summary>
    public void Line(string text)
    {
        if (_tasks is not null) return;
        lock (_gate) _console.Line(text);
    }
}
