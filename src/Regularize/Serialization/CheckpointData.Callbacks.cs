using System.Text.Json;
using Regularize.Tensors;

namespace Regularize.Serialization;

public sealed partial class CheckpointData
{
    /// <summary>The prefix of the callbacks' tensors: <c>callback.ExponentialMovingAverage[0].average.0.weight</c>.</summary>
    public const string CallbackPrefix = "callback.";

    /// <summary>
    /// The state of each stateful trainer callback, by the callback's checkpoint key (<c>EarlyStopping[0]</c>); empty when
    /// none was saved (and in files of format version 1). <see cref="Restore"/> leaves them to the trainer
    /// (<c>Trainer.LoadCheckpoint</c>), which matches them to its callbacks by key.
    /// </summary>
    public Dictionary<string, CallbackState> Callbacks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="key"/> can name a callback in a file: not empty, no dot, at most 200 characters.</summary>
    /// <param name="key">The key.</param>
    public static bool IsCallbackKey(string? key) => key is { Length: > 0 and <= 200 } && !key.Contains('.');

    private void AddCallbackTensors(Dictionary<string, Tensor> tensors)
    {
        foreach (var (key, state) in Callbacks ?? [])
        {
            if (!IsCallbackKey(key)) throw new ArgumentException($"The callback key {CheckpointJson.Quote(key)} is empty, longer than 200 characters or contains a dot.", nameof(Callbacks));
            if (state is null) throw new ArgumentException($"The state of callback '{key}' is null.", nameof(Callbacks));
            if (string.IsNullOrEmpty(state.Type)) throw new ArgumentException($"The state of callback '{key}' names no type.", nameof(Callbacks));
            foreach (var (name, value) in state.Integers ?? [])
            {
                if (value < 0 || value > MaxStep) throw new ArgumentException($"Counter '{name}' of callback '{key}' is {value}, outside [0, {MaxStep}].", nameof(Callbacks));
            }
            foreach (var (name, value) in state.Numbers ?? [])
            {
                if (double.IsNaN(value)) throw new ArgumentException($"Number '{name}' of callback '{key}' is NaN; checkpoints store finite values and ±∞ only.", nameof(Callbacks));
            }
            foreach (var (name, words) in state.RngStates ?? [])
            {
                if (!IsRngState(words)) throw new ArgumentException($"Generator '{name}' of callback '{key}' is not a six-word Rng state.", nameof(Callbacks));
            }
            foreach (var (name, tensor) in state.Tensors ?? [])
            {
                if (name.Length == 0) throw new ArgumentException($"Callback '{key}' has a tensor with an empty name.", nameof(Callbacks));
                if (tensor is null) throw new ArgumentException($"Tensor '{name}' of callback '{key}' is null.", nameof(Callbacks));
                tensors.Add(CallbackPrefix + key + "." + name, tensor);
            }
        }
    }

    private void WriteCallbacks(Utf8JsonWriter w)
    {
        w.WriteStartObject("callbacks");
        foreach (var (key, state) in (Callbacks ?? []).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(key);
            w.WriteString("type", state.Type);
            w.WriteStartObject("integers");
            foreach (var (name, value) in (state.Integers ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteNumber(name, value);
            w.WriteEndObject();
            w.WriteStartObject("numbers");
            foreach (var (name, value) in (state.Numbers ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (double.IsFinite(value)) w.WriteNumber(name, value);
                else w.WriteString(name, value > 0 ? "Infinity" : "-Infinity");
            }
            w.WriteEndObject();
            w.WriteStartObject("rngStates");
            foreach (var (name, words) in (state.RngStates ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)) CheckpointJson.WriteWords(w, name, words);
            w.WriteEndObject();
            w.WriteStartArray("tensors");
            foreach (string name in (state.Tensors ?? []).Keys.Order(StringComparer.Ordinal)) w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Fills <see cref="Callbacks"/> but their tensors; returns the tensors the file must hold, by full name.</summary>
    private Dictionary<string, (string Key, string Name)> ParseCallbacks(JsonElement e, CheckpointJson j)
    {
        var expected = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var (key, value) in j.Map(e, "callbacks"))
        {
            string at = $"callbacks.{CheckpointJson.Quote(key)}";
            if (!IsCallbackKey(key)) throw j.Fail(at, "is not a callback key (empty, longer than 200 characters or with a dot)");
            var c = j.Object(value, at, "type", "integers", "numbers", "rngStates", "tensors");
            var state = new CallbackState { Type = j.String(c["type"], at + ".type") };
            if (state.Type.Length == 0) throw j.Fail(at + ".type", "is empty");
            foreach (var (name, v) in j.Map(c["integers"], at + ".integers"))
            {
                state.Integers.Add(name, j.Integer(v, $"{at}.integers.{CheckpointJson.Quote(name)}", 0, MaxStep));
            }
            foreach (var (name, v) in j.Map(c["numbers"], at + ".numbers"))
            {
                state.Numbers.Add(name, j.Number(v, $"{at}.numbers.{CheckpointJson.Quote(name)}", allowInfinite: true));
            }
            foreach (var (name, v) in j.Map(c["rngStates"], at + ".rngStates"))
            {
                string where = $"{at}.rngStates.{CheckpointJson.Quote(name)}";
                ulong[] words = j.Words(v, where, 6);
                if (!IsRngState(words)) throw j.Fail(where, "is not a generator state (the first four words are all zero, or the flag word is not 0 or 1)");
                state.RngStates.Add(name, words);
            }
            var names = j.Array(c["tensors"], at + ".tensors");
            for (int k = 0; k < names.Count; k++)
            {
                string name = j.String(names[k], $"{at}.tensors[{k}]");
                if (name.Length == 0) throw j.Fail($"{at}.tensors[{k}]", "is empty");
                if (!expected.TryAdd(CallbackPrefix + key + "." + name, (key, name))) throw j.Fail(at + ".tensors", $"lists {CheckpointJson.Quote(name)} twice");
            }
            Callbacks.Add(key, state);
        }
        return expected;
    }

    private void CompareCallbacks(CheckpointData other, List<string> d)
    {
        var (a, b) = (Callbacks ?? [], other.Callbacks ?? []);
        foreach (string key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            if (!a.TryGetValue(key, out var x) || !b.TryGetValue(key, out var y))
            {
                d.Add($"the state of callback '{key}' is on one side only");
                continue;
            }
            string what = $"callback '{key}'";
            if (x.Type != y.Type) d.Add($"{what} is a {x.Type} vs a {y.Type}");
            CompareEntries($"{what} counter", x.Integers ?? [], y.Integers ?? [], (p, q) => p == q, d);
            CompareEntries($"{what} number", x.Numbers ?? [], y.Numbers ?? [], (p, q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q), d);
            CompareEntries($"{what} generator", x.RngStates ?? [], y.RngStates ?? [], (p, q) => p.AsSpan().SequenceEqual(q), d);
            CompareTensors($"{what} tensor", x.Tensors ?? [], y.Tensors ?? [], d);
        }
    }

    private static void CompareEntries<T>(string what, Dictionary<string, T> a, Dictionary<string, T> b, Func<T, T, bool> equal, List<string> d)
    {
        foreach (string name in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            if (!a.TryGetValue(name, out var x) || !b.TryGetValue(name, out var y)) d.Add($"{what} '{name}' is on one side only");
            else if (!equal(x, y)) d.Add($"{what} '{name}': {Show(x)} vs {Show(y)}");
        }
    }

    private static string Show<T>(T value) => value switch
    {
        double v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ulong[] words => string.Join(" ", words.Select(CheckpointJson.Hex)),
        _ => value?.ToString() ?? "null",
    };
}
