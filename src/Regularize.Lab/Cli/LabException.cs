namespace Regularize.Lab.Cli;

/// <summary>A problem with the user's input or environment, reported as one line without a stack trace.</summary>
internal sealed class LabException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code to end with: <see cref="LabApp.Failure"/>, or <see cref="LabApp.Interrupted"/> for a run that was stopped.</summary>
    public int ExitCode { get; init; } = LabApp.Failure;
}
