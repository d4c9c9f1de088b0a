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

/// <summary>A string writer that calls <c>onTrigger</c> once, when what was written first contains <c>trigger</c>.</summary>
internal sealed class TriggerWriter(string trigger, Action onTrigger) : StringWriter
{
    private bool _fired;

    public override void Write(char value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(string? value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(char[] buffer, int index, int count)
    {
        base.Write(buffer, index, count);
        Check();
    }

    private void Check()
    {
        if (_fired || !GetStringBuilder().ToString().Contains(trigger, StringComparison.Ordinal)) return;
        _fired = true;
        onTrigger();
    }
}

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "regularize-lab-tests", Guid.NewGuid().ToString("N"));

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
