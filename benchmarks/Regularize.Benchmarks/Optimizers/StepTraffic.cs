namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// The bytes an optimizer's update moves per parameter element, as the passes it makes over memory (one for an
/// elementwise rule; a reduce pass and an update pass for a rule with a per-tensor reduction such as LAMB's trust ratio).
/// The step's separate non-finite check (one more read of g, skipped by <c>Step(gradientNorm)</c>) is not included:
/// the probe moves only what the update itself must move, so the check's cost shows in the ratio.
/// </summary>
/// <param name="Passes">The passes, in order.</param>
public sealed record StepTraffic(IReadOnlyList<StepPass> Passes)
{
    /// <summary>One elementwise pass reading <paramref name="reads"/> arrays and writing <paramref name="writes"/> of them.</summary>
    public static StepTraffic Elementwise(int reads, int writes) => new([new StepPass(reads, writes)]);

    /// <summary>A reduce pass then an update pass.</summary>
    public static StepTraffic Reducing(StepPass reduce, StepPass update) => new([reduce, update]);

    /// <summary>Bytes read and written per parameter element by the update (4 per float per array touched).</summary>
    public int BytesPerElement => 4 * Passes.Sum(p => p.Reads + p.Writes);

    /// <summary>The most arrays one pass reads (how many the probe must allocate).</summary>
    public int Streams => Passes.Max(p => p.Reads);

    /// <summary>The pattern as "4R+3W" (passes joined by " then ").</summary>
    public override string ToString() => string.Join(" then ", Passes.Select(p => $"{p.Reads}R+{p.Writes}W"));
}
