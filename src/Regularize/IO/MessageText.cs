using System.Text;

namespace Regularize.IO;

/// <summary>Pieces of error messages shared by the file readers.</summary>
internal static class MessageText
{
    /// <summary>A name or text quoted for a message, cut short and with control characters escaped.</summary>
    public static string Quote(string text)
    {
        const int Max = 80;
        var sb = new StringBuilder("'");
        foreach (char c in text.Length > Max ? text[..Max] : text)
        {
            if (char.IsControl(c)) sb.Append($"\\u{(int)c:X4}"); else sb.Append(c);
        }
        if (text.Length > Max) sb.Append("...");
        return sb.Append('\'').ToString();
    }

    /// <summary>An <see cref="InvalidDataException"/> <c>"{name}: {problem}."</c>, with one period even when the problem
    /// quotes a message that ends in one.</summary>
    public static InvalidDataException Invalid(string name, string problem) => new($"{name}: {problem.TrimEnd('.')}.");
}
