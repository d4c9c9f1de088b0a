namespace Regularize.Benchmarks.Optimizers;

/// <summary>One pass of an optimizer step over memory: per parameter element, how many float arrays it reads and how many of those it writes back.</summary>
/// <param name="Reads">Arrays read per element (θ, g and the state slots the pass loads).</param>
/// <param name="Writes">Arrays written per element (θ and the slots the pass stores); each is also one of the reads.</param>
public readonly record struct StepPass(int Reads, int Writes);
