namespace Regularize.Lab.Cli;

/// <summary>A problem with the user's input or environment, reported as one line without a stack trace.</summary>
internal sealed class LabException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code to end with: <see cref="LabApp.Failure"/>, or <see cref="LabApp.Interrupted"/> for a run that was stopped.</summary>
    public int ExitCode { get; init; } = LabApp.Failure;

    /// <summary>A bad option value or an unknown name on the command line: exits with <see cref="LabApp.UsageError"/> (2), as a command line that does not parse.</summary>
    public static LabException Usage(string message, Exception? inner = null) => new(message, inner) { ExitCode = LabApp.UsageError };
}
