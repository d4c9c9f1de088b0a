using System.CommandLine.Parsing;
using System.Globalization;

namespace Regularize.Lab.Cli;

/// <summary>Parsers for comma-separated option values (<c>256,128</c>, <c>1e-4,3e-4</c>).</summary>
internal static class Lists
{
    public static int[]? Ints(ArgumentResult result)
    {
        string text = string.Join(",", result.Tokens.Select(t => t.Value));
        var parts = Split(text);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                result.AddError($"{Name(result)} expects comma-separated integers (e.g. 256,128), but '{parts[i]}' is not one.");
                return null;
            }
        }
        if (parts.Length == 0) result.AddError($"{Name(result)} expects at least one value.");
        return values;
    }

    public static double[]? Doubles(ArgumentResult result)
    {
        string text = string.Join(",", result.Tokens.Select(t => t.Value));
        var parts = Split(text);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                result.AddError($"{Name(result)} expects comma-separated numbers (e.g. 1e-4,3e-4), but '{parts[i]}' is not one.");
                return null;
            }
        }
        if (parts.Length == 0) result.AddError($"{Name(result)} expects at least one value.");
        return values;
    }

    public static string[]? Words(ArgumentResult result)
    {
        string text = string.Join(",", result.Tokens.Select(t => t.Value));
        var parts = Split(text);
        if (parts.Length == 0) result.AddError($"{Name(result)} expects at least one value.");
        return parts;
    }

    /// <summary>
    /// <paramref name="description"/> with the default list as the user types it (<c>[default: 256,128]</c>): the
    /// parser's help would join a list default with '|'. Such an option has no default value of its own; its reader
    /// applies <paramref name="values"/> when the option is absent.
    /// </summary>
    public static string WithDefault<T>(string description, IEnumerable<T> values) =>
        $"{description} [default: {string.Join(",", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))}]";

    /// <summary>The list given, or <paramref name="defaults"/> when the option is absent (read as null or empty: a given list is never empty).</summary>
    public static T[] Or<T>(T[]? given, IEnumerable<T> defaults) => given is { Length: > 0 } ? given : [.. defaults];

    /// <summary><paramref name="count"/> and the noun, singular for 1: "1 epoch", "3 epochs".</summary>
    public static string Count(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    public static string Format(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static string[] Split(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Name(ArgumentResult result) =>
        result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
}
