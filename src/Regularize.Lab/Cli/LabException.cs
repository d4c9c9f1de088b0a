namespace Regularize.Lab.Cli;

/// <summary>A problem with the user's input or environment, reported as one line without a stack trace.</summary>
internal sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
