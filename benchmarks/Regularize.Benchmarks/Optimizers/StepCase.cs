using Regularize.Nn;
using Regularize.Optimizers;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>One optimizer in the step benchmarks: how to build it over the workload's parameters, and its traffic.</summary>
/// <param name="Name">The name on the command line (<c>guard --report AdamW</c>, <c>step-report Lion</c>).</param>
/// <param name="Create">Builds the optimizer over the parameters (the benchmark's settings: momentum, λ…).</param>
/// <param name="Traffic">What its update reads and writes per element.</param>
/// <param name="Moves">The arrays, for the table: read → written.</param>
/// <param name="Columns">0: the tensors are vectors; otherwise matrices with this many columns (Adafactor factors only matrices).</param>
public sealed record StepCase(string Name, Func<Parameter[], Optimizer> Create, StepTraffic Traffic, string Moves, int Columns = 0);
