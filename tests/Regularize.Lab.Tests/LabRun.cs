using Regularize.Lab.Cli;

namespace Regularize.Lab.Tests;

/// <summary>Runs the lab in-process with a plain console and captures what it writes.</summary>
internal sealed record LabRun(int ExitCode, string Output, string Error)
{
    public static LabRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = LabApp.Run(args, LabConsole.Plain(output, error));
        return new LabRun(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs the lab and cancels it, as Ctrl+C does, as soon as its output contains <paramref name="trigger"/>.
    /// </summary>
    public static LabRun InterruptedAt(string trigger, params string[] args)
    {
        using var stop = new CancellationTokenSource();
        var output = new TriggerWriter(trigger, stop.Cancel);
        var error = new StringWriter();
        int code = LabApp.Run(args, LabConsole.Plain(output, error), stop.Token);
        return new LabRun(code, output.ToString(), error.ToString());
    }

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
