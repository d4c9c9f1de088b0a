using Regularize.Tensors;

namespace Regularize.Serialization;

public sealed partial class CheckpointData
{
    /// <summary>
    /// Compares two checkpoints bit for bit and describes every difference: the way to check that a resumed run
    /// matches one that never stopped (capture both with <see cref="Capture"/> and compare).
    /// </summary>
    /// <param name="other">The checkpoint to compare with.</param>
    /// <param name="includeProgress">False to ignore <see cref="Progress"/> (the caller's own counters).</param>
    /// <returns>One sentence per difference (a tensor named with its first differing element); empty when equal.</returns>
    public IReadOnlyList<string> Differences(CheckpointData other, bool includeProgress = true)
    {
        ArgumentNullException.ThrowIfNull(other);
        var d = new List<string>();
        if (includeProgress && Progress != other.Progress) d.Add($"progress {Progress} vs {other.Progress}");
        CompareTensors("model tensor", Model ?? [], other.Model ?? [], d);
        CompareOptimizer(other, d);
        var (s1, s2) = (Schedulers ?? [], other.Schedulers ?? []);
        if (s1.Count != s2.Count) d.Add($"{s1.Count} vs {s2.Count} schedulers");
        for (int i = 0; i < Math.Min(s1.Count, s2.Count); i++)
        {
            if (s1[i].Step != s2[i].Step || s1[i].Hyperparameter != s2[i].Hyperparameter || s1[i].Mode != s2[i].Mode ||
                !s1[i].InitialValues.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(s2[i].InitialValues.Select(BitConverter.DoubleToInt64Bits)))
            {
                d.Add($"scheduler {i} differs (step {s1[i].Step} vs {s2[i].Step})");
            }
        }
        var (p1, p2) = (Plateaus ?? [], other.Plateaus ?? []);
        if (p1.Count != p2.Count) d.Add($"{p1.Count} vs {p2.Count} plateau schedulers");
        for (int i = 0; i < Math.Min(p1.Count, p2.Count); i++)
        {
            if (p1[i] != p2[i] || BitConverter.DoubleToInt64Bits(p1[i].Best) != BitConverter.DoubleToInt64Bits(p2[i].Best))
            {
                d.Add($"plateau scheduler {i}: {p1[i]} vs {p2[i]}");
            }
        }
        if (!Equals(Loader, other.Loader)) d.Add($"data loader {Loader?.State} vs {other.Loader?.State}");
        var (r1, r2) = (ModuleRngStates ?? [], other.ModuleRngStates ?? []);
        foreach (string path in r1.Keys.Union(r2.Keys).Order(StringComparer.Ordinal))
        {
            if (!r1.TryGetValue(path, out var a) || !r2.TryGetValue(path, out var b)) d.Add($"the generator of module '{path}' is on one side only");
            else if (!a.AsSpan().SequenceEqual(b)) d.Add($"the generator states of module '{path}' differ");
        }
        CompareCallbacks(other, d);
        return d;
    }

    private static void CompareTensors(string what, IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b, List<string> d)
    {
        foreach (string name in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            if (!a.TryGetValue(name, out var x) || !b.TryGetValue(name, out var y))
            {
                d.Add($"{what} '{name}' is on one side only");
                continue;
            }
            CompareValues($"{what} '{name}'", x.Shape.ToArray(), x.Span, y.Shape.ToArray(), y.Span, d);
        }
    }

    private static void CompareValues(string what, int[] shapeA, ReadOnlySpan<float> a, int[] shapeB, ReadOnlySpan<float> b, List<string> d)
    {
        if (!shapeA.AsSpan().SequenceEqual(shapeB) || a.Length != b.Length)
        {
            d.Add($"{what} has shape {Shape.Format(shapeA)} vs {Shape.Format(shapeB)}");
            return;
        }
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(a[i]) != BitConverter.SingleToUInt32Bits(b[i]))
            {
                d.Add($"{what} differs first at element {i}: {a[i]:R} vs {b[i]:R}");
                return;
            }
        }
    }
}
