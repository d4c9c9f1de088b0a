using System.Text.Json;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Serialization;

public sealed partial class CheckpointData
{
    /// <summary>
    /// The optimizer's state (<see cref="Regularize.Optimizers.Optimizer.ExportState"/>): its type, each group's
    /// parameter names and hyperparameters, and each parameter's step count and state tensors; null when none was saved.
    /// </summary>
    public OptimizerState? Optimizer { get; set; }

    private void AddOptimizerTensors(Dictionary<string, Tensor> tensors)
    {
        if (Optimizer is null) return;
        foreach (var (parameter, state) in Optimizer.Parameters ?? [])
        {
            ArgumentNullException.ThrowIfNull(state, nameof(Optimizer));
            foreach (var (key, t) in state.Tensors ?? [])
            {
                if (key.Length == 0 || key.Contains('.'))
                {
                    throw new ArgumentException($"The optimizer state key '{key}' of parameter '{parameter}' is empty or contains a dot.", nameof(Optimizer));
                }
                ArgumentNullException.ThrowIfNull(t, nameof(Optimizer));
                int[] shape = t.Shape ?? [];
                Tensor tensor = shape.Length == 0 && t.Data is { Length: 1 } ? Tensor.Scalar(t.Data[0]) : Tensor.FromArray(t.Data ?? [], shape);
                if (!tensors.TryAdd(OptimizerStatePrefix + parameter + "." + key, tensor))
                {
                    throw new ArgumentException($"Two optimizer state tensors are named '{OptimizerStatePrefix}{parameter}.{key}'.", nameof(Optimizer));
                }
            }
        }
    }

    private void WriteOptimizer(Utf8JsonWriter w)
    {
        if (Optimizer is null)
        {
            w.WriteNull("optimizer");
            return;
        }
        w.WriteStartObject("optimizer");
        w.WriteString("type", Optimizer.Optimizer ?? "");
        w.WriteStartArray("groups");
        foreach (var g in Optimizer.Groups ?? [])
        {
            ArgumentNullException.ThrowIfNull(g, nameof(Optimizer));
            w.WriteStartObject();
            w.WriteString("name", g.Name ?? "");
            w.WriteStartArray("parameters");
            foreach (string p in g.ParameterNames ?? []) w.WriteStringValue(p);
            w.WriteEndArray();
            w.WriteStartObject("hyperparameters");
            foreach (var (key, value) in (g.Hyperparameters ?? []).OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(key, Finite(value, $"hyperparameter '{key}'"));
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("state");
        foreach (var (parameter, state) in (Optimizer.Parameters ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(parameter);
            w.WriteNumber("step", state.Step);
            w.WriteStartArray("tensors");
            foreach (string key in (state.Tensors ?? []).Keys.Order(StringComparer.Ordinal)) w.WriteStringValue(key);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private Dictionary<string, (string Parameter, string Key)> ParseOptimizer(JsonElement e, CheckpointJson j)
    {
        var expected = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        if (j.IsNull(e)) return expected;
        var o = j.Object(e, "optimizer", "type", "groups", "state");
        var state = new OptimizerState { Optimizer = j.String(o["type"], "optimizer.type") };
        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = j.Array(o["groups"], "optimizer.groups");
        for (int i = 0; i < groups.Count; i++)
        {
            string at = $"optimizer.groups[{i}]";
            var g = j.Object(groups[i], at, "name", "parameters", "hyperparameters");
            var group = new GroupState { Name = j.String(g["name"], at + ".name") };
            var names = j.Array(g["parameters"], at + ".parameters");
            for (int k = 0; k < names.Count; k++)
            {
                string name = j.String(names[k], $"{at}.parameters[{k}]");
                if (!groupOf.TryAdd(name, i))
                {
                    throw j.Fail($"{at}.parameters[{k}]", $"is {CheckpointJson.Quote(name)}, which group {groupOf[name]} already holds");
                }
                group.ParameterNames.Add(name);
            }
            foreach (var (key, value) in j.Map(g["hyperparameters"], at + ".hyperparameters"))
            {
                group.Hyperparameters[key] = j.Number(value, $"{at}.hyperparameters.{CheckpointJson.Quote(key)}");
            }
            state.Groups.Add(group);
        }
        foreach (var (parameter, value) in j.Map(o["state"], "optimizer.state"))
        {
            string at = $"optimizer.state.{CheckpointJson.Quote(parameter)}";
            if (!groupOf.ContainsKey(parameter)) throw j.Fail(at, "names a parameter that no group holds");
            var p = j.Object(value, at, "step", "tensors");
            var ps = new ParameterState { Step = j.Integer(p["step"], at + ".step", 0, MaxStep) };
            var keys = j.Array(p["tensors"], at + ".tensors");
            for (int k = 0; k < keys.Count; k++)
            {
                string key = j.String(keys[k], $"{at}.tensors[{k}]");
                if (key.Length == 0 || key.Contains('.')) throw j.Fail($"{at}.tensors[{k}]", $"is {CheckpointJson.Quote(key)}, which is empty or contains a dot");
                if (!ps.Tensors.TryAdd(key, new TensorState())) throw j.Fail($"{at}.tensors", $"lists {CheckpointJson.Quote(key)} twice");
                expected.Add(OptimizerStatePrefix + parameter + "." + key, (parameter, key));
            }
            state.Parameters.Add(parameter, ps);
        }
        Optimizer = state;
        return expected;
    }

    private void TakeOptimizerTensors(Dictionary<string, Tensor> tensors)
    {
        if (Optimizer is null) return;
        foreach (var (parameter, ps) in Optimizer.Parameters)
        {
            foreach (string key in ps.Tensors.Keys.ToList())
            {
                Tensor t = tensors[OptimizerStatePrefix + parameter + "." + key];
                ps.Tensors[key] = new TensorState { Shape = t.Shape.ToArray(), Data = t.ToArray() };
            }
        }
    }

    private void CompareOptimizer(CheckpointData other, List<string> d)
    {
        var (a, b) = (Optimizer, other.Optimizer);
        if (a is null || b is null)
        {
            if (a is not null || b is not null) d.Add("optimizer state is on one side only");
            return;
        }
        if (a.Optimizer != b.Optimizer) d.Add($"optimizer type '{a.Optimizer}' vs '{b.Optimizer}'");
        if (a.Groups.Count != b.Groups.Count) d.Add($"{a.Groups.Count} vs {b.Groups.Count} optimizer groups");
        for (int g = 0; g < Math.Min(a.Groups.Count, b.Groups.Count); g++)
        {
            var (x, y) = (a.Groups[g], b.Groups[g]);
            if (x.Name != y.Name || !x.ParameterNames.SequenceEqual(y.ParameterNames)) d.Add($"optimizer group {g} holds other parameters");
            foreach (string key in x.Hyperparameters.Keys.Union(y.Hyperparameters.Keys).Order(StringComparer.Ordinal))
            {
                bool hx = x.Hyperparameters.TryGetValue(key, out double vx), hy = y.Hyperparameters.TryGetValue(key, out double vy);
                if (hx != hy || BitConverter.DoubleToInt64Bits(vx) != BitConverter.DoubleToInt64Bits(vy)) d.Add($"optimizer group {g} {key}: {vx:R} vs {vy:R}");
            }
        }
        foreach (string p in a.Parameters.Keys.Union(b.Parameters.Keys).Order(StringComparer.Ordinal))
        {
            if (!a.Parameters.TryGetValue(p, out var x) || !b.Parameters.TryGetValue(p, out var y))
            {
                d.Add($"optimizer state of '{p}' is on one side only");
                continue;
            }
            if (x.Step != y.Step) d.Add($"optimizer step of '{p}': {x.Step} vs {y.Step}");
            foreach (string key in x.Tensors.Keys.Union(y.Tensors.Keys).Order(StringComparer.Ordinal))
            {
                if (!x.Tensors.TryGetValue(key, out var tx) || !y.Tensors.TryGetValue(key, out var ty)) d.Add($"optimizer state '{key}' of '{p}' is on one side only");
                else CompareValues($"optimizer state '{key}' of '{p}'", tx.Shape, tx.Data, ty.Shape, ty.Data, d);
            }
        }
    }
}
