using Spectre.Console;

namespace Regularize.Lab.Cli;

/// <summary>Where the lab writes: a Spectre console for tables and progress, and a writer for errors.</summary>
internal sealed class LabConsole
{
    public LabConsole(IAnsiConsole console, TextWriter output, TextWriter error, bool interactive)
    {
        Console = console;
        Output = output;
        Error = error;
        Interactive = interactive;
    }

    /// <summary>
    /// The width a console has when it is not a terminal (a log, CI, a pipe): wide enough that no table wraps, where
    /// Spectre would assume 80 columns.
    /// </summary>
    public const int LogWidth = 1024;

    public IAnsiConsole Console { get; }

    /// <summary>The plain writer behind <see cref="Console"/> (help text).</summary>
    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>True when live progress bars may be drawn (a terminal, not redirected output).</summary>
    public bool Interactive { get; }

    public static LabConsole ForTerminal()
    {
        bool interactive = !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (System.Console.IsOutputRedirected) AnsiConsole.Profile.Width = LogWidth;
        return new LabConsole(AnsiConsole.Console, System.Console.Out, System.Console.Error, interactive);
    }

    /// <summary>A plain, non-interactive console writing to <paramref name="output"/> (tests, redirected output).</summary>
    public static LabConsole Plain(TextWriter output, TextWriter error)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = LogWidth;
        return new LabConsole(console, output, error, interactive: false);
    }

    /// <summary>Writes a plain line (no markup).</summary>
    public void Line(string text) => Console.WriteLine(text);
}
