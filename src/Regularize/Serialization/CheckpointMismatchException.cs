namespace Regularize.Serialization;

/// <summary>
/// A well-formed weights file or checkpoint that does not fit the objects it is loaded into: a tensor whose shape
/// differs, tensors missing on one side (in a strict load), an optimizer, scheduler or data loader configured
/// differently. Nothing was changed when it is thrown.
/// </summary>
/// <remarks>
/// A damaged or malformed file raises <see cref="InvalidDataException"/> instead; this exception means the file is
/// sound but was written for other objects.
/// </remarks>
public sealed class CheckpointMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception from the problems found; the message lists them all.</summary>
    /// <param name="source">The file (or other source) being loaded, named at the start of the message.</param>
    /// <param name="problems">One sentence per problem, each naming the tensor or object concerned.</param>
    /// <param name="inner">The exception that revealed the problem, if any.</param>
    public CheckpointMismatchException(string source, IReadOnlyList<string> problems, Exception? inner = null)
        : base(Format(source, problems), inner)
    {
        FileName = source;
        Problems = problems;
    }

    /// <summary>The file (or other source) that was being loaded.</summary>
    public string FileName { get; }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(problems);
        const int Shown = 20;
        string list = string.Join("; ", problems.Take(Shown).Select(p => p.TrimEnd().TrimEnd('.')));
        if (problems.Count > Shown) list += $"; and {problems.Count - Shown} more";
        return $"{source} does not fit: {list}. Nothing was loaded.";
    }
}
