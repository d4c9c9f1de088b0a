using System.CommandLine;
using Regularize.Lab.Commands;

namespace Regularize.Lab.Cli;

/// <summary>The <c>regularize</c> command line: parses, dispatches, and turns failures into one line on stderr.</summary>
internal static class LabApp
{
    /// <summary>Exit code of a run that failed on bad input or data.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a run stopped by Ctrl+C, SIGTERM or its cancellation token (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static Command BuildRoot(LabConsole console)
    {
        // A plain command named as the tool (a RootCommand would take the assembly's name, Regularize.Lab, in help).
        var root = new Command("regularize", "The Regularize lab: train MLPs on Fashion-MNIST and compare optimizers, weight decay and schedules.")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
        };
        root.Add(CompareCommand.Build(console));
        root.Add(SweepCommand.Build(console));
        root.Add(BatchSizeCommand.Build(console));
        root.Add(LrFindCommand.Build(console));
        root.Add(RegularizersCommand.Build(console));
        root.Add(ScheduleCommand.Build(console));
        root.Add(PcaCommand.Build(console));
        root.Add(BackgroundCommand.Build(console));
        return root;
    }

    /// <summary>
    /// Runs the lab with <paramref name="args"/>; returns the process exit code. Cancelling
    /// <paramref name="cancellationToken"/> (Program does on Ctrl+C and SIGTERM) stops a training command between two
    /// steps; it then exits with 130.
    /// </summary>
    public static int Run(string[] args, LabConsole console, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0) args = ["--help"];
        ParseResult parse;
        try
        {
            parse = BuildRoot(console).Parse(args);
        }
        catch (Exception e)
        {
            console.Error.WriteLine($"regularize: {FirstLine(e.Message)}");
            return UsageError;
        }
        if (parse.Errors.Count > 0)
        {
            // "Unrecognized command or argument 'x'" says more than the "Required command was not provided" it causes.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            console.Error.WriteLine($"regularize: {FirstLine(error.Message)} (see --help)");
            return UsageError;
        }
        try
        {
            return parse.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Output,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Program handles the signals and passes them on as the token
            }, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("regularize: cancelled");
            return Interrupted;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            return Report(console, e.Flatten().InnerExceptions[0]);
        }
        catch (Exception e)
        {
            return Report(console, e);
        }
    }

    private static int Report(LabConsole console, Exception e)
    {
        string message = e switch
        {
            LabException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                or ArgumentException or IOException or UnauthorizedAccessException => Describe(e),
            _ => $"{e.GetType().Name}: {Describe(e)}",
        };
        console.Error.WriteLine($"regularize: {FirstLine(message)}");
        if (Environment.GetEnvironmentVariable("REGULARIZE_DEBUG") == "1") console.Error.WriteLine(e);
        return e is LabException lab ? lab.ExitCode : Failure;
    }

    /// <summary>An exception's message without .NET's " (Parameter 'x')" suffix, on one line.</summary>
    public static string Describe(Exception e)
    {
        string message = FirstLine(e.Message);
        if (e is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal)) message = message[..^suffix.Length];
        }
        return message;
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? text : text[..newline]).Trim();
    }
}
