using System.Globalization;
using System.Text.Json;
using Regularize.IO;

namespace Regularize.Serialization;

/// <summary>
/// Type-checked access to a parsed JSON document: every accessor names the field's path
/// (<c>optimizer.groups[0].name</c>) in the <see cref="InvalidDataException"/> it throws.
/// </summary>
internal readonly struct CheckpointJson(string source)
{
    private const string What = "checkpoint metadata";

    /// <summary>The error for <paramref name="path"/>; a problem that quotes a message ending in a period gets no second one.</summary>
    public InvalidDataException Fail(string path, string problem) =>
        new($"{source}: {What}: {(path.Length == 0 ? "the document" : path)} {problem.TrimEnd('.')}.");

    /// <summary>An object with exactly the fields <paramref name="fields"/>, each once, in any order.</summary>
    public Dictionary<string, JsonElement> Object(JsonElement e, string path, params string[] fields)
    {
        var map = Map(e, path);
        foreach (string f in fields)
        {
            if (!map.ContainsKey(f)) throw Fail(path, $"lacks the field \"{f}\"");
        }
        foreach (string f in map.Keys)
        {
            if (System.Array.IndexOf(fields, f) < 0) throw Fail(path, $"has an unknown field {Quote(f)}");
        }
        return map;
    }

    /// <summary>An object with any field names, each once, in document order.</summary>
    public Dictionary<string, JsonElement> Map(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.Object, path, "an object");
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (!map.TryAdd(p.Name, p.Value)) throw Fail(path, $"has the field {Quote(p.Name)} twice");
        }
        return map;
    }

    public List<JsonElement> Array(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.Array, path, "an array");
        return [.. e.EnumerateArray()];
    }

    public bool IsNull(JsonElement e) => e.ValueKind == JsonValueKind.Null;

    public string String(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.String, path, "a string");
        return e.GetString()!;
    }

    public bool Boolean(JsonElement e, string path)
    {
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        throw Fail(path, $"is a JSON {e.ValueKind}, not true or false");
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; <c>2.0</c>, <c>1e3</c> and <c>"2"</c> are rejected.</summary>
    public long Integer(JsonElement e, string path, long min = 0, long max = long.MaxValue)
    {
        Expect(e, JsonValueKind.Number, path, "an integer");
        string raw = e.GetRawText();
        if (raw.AsSpan().IndexOfAny(".eE") >= 0 || !e.TryGetInt64(out long n)) throw Fail(path, $"is {Quote(raw)}, not an integer in range");
        if (n < min || n > max) throw Fail(path, $"is {n}, outside [{min}, {max}]");
        return n;
    }

    /// <summary>A finite number, or, when <paramref name="allowInfinite"/>, also the strings <c>"Infinity"</c> and <c>"-Infinity"</c>.</summary>
    public double Number(JsonElement e, string path, bool allowInfinite = false)
    {
        if (allowInfinite && e.ValueKind == JsonValueKind.String)
        {
            return e.GetString() switch
            {
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => throw Fail(path, $"is the string {Quote(e.GetString()!)}, not a number, \"Infinity\" or \"-Infinity\""),
            };
        }
        Expect(e, JsonValueKind.Number, path, "a number");
        if (!e.TryGetDouble(out double d) || !double.IsFinite(d)) throw Fail(path, $"is {Quote(e.GetRawText())}, not a finite double");
        return d;
    }

    /// <summary>An array of exactly <paramref name="count"/> 64-bit words, each written as 16 hexadecimal digits.</summary>
    public ulong[] Words(JsonElement e, string path, int count)
    {
        var items = Array(e, path);
        if (items.Count != count) throw Fail(path, $"has {items.Count} words, expected {count}");
        var words = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            string s = String(items[i], $"{path}[{i}]");
            if (s.Length != 16 || !ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i]))
            {
                throw Fail($"{path}[{i}]", $"is {Quote(s)}, not 16 hexadecimal digits");
            }
        }
        return words;
    }

    /// <summary>One of the names of <typeparamref name="T"/>, spelled exactly (numbers are rejected).</summary>
    public T Enum<T>(JsonElement e, string path) where T : struct, System.Enum
    {
        string s = String(e, path);
        foreach (T value in System.Enum.GetValues<T>())
        {
            if (value.ToString() == s) return value;
        }
        throw Fail(path, $"is {Quote(s)}, not one of {string.Join(", ", System.Enum.GetNames<T>())}");
    }

    private void Expect(JsonElement e, JsonValueKind kind, string path, string what)
    {
        if (e.ValueKind != kind) throw Fail(path, $"is a JSON {e.ValueKind}, not {what}");
    }

    /// <summary>A name or text quoted for a message (see <see cref="MessageText.Quote"/>).</summary>
    public static string Quote(string text) => MessageText.Quote(text);

    /// <summary>Writes an array of words named <paramref name="name"/>, each as <see cref="Hex"/> spells it.</summary>
    public static void WriteWords(Utf8JsonWriter w, string name, ulong[] words)
    {
        w.WriteStartArray(name);
        foreach (ulong word in words) w.WriteStringValue(Hex(word));
        w.WriteEndArray();
    }

    /// <summary>A word as the metadata writes it: 16 lowercase hexadecimal digits.</summary>
    public static string Hex(ulong word) => word.ToString("x16", CultureInfo.InvariantCulture);
}
