namespace Regularize.Tests.Optimizers.Family;

/// <summary>torch's parameters and state after one step of a fixture case; arrays indexed by parameter.</summary>
/// <param name="Step">The step count torch's state reports.</param>
/// <param name="Parameters">θ of each parameter.</param>
/// <param name="State">Each state slot (fixture camelCase name) of each parameter.</param>
public sealed record FamilyCheckpoint(long Step, float[][] Parameters, IReadOnlyDictionary<string, float[][]> State);
