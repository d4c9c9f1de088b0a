namespace Regularize.Tests.Optimizers.Family;

/// <summary>One case of the torch family fixture.</summary>
/// <param name="Name">The case's name, e.g. <c>rmsprop_centered</c>.</param>
/// <param name="Optimizer">The optimizer (<see cref="FamilyConfig.TorchOptimizers"/>).</param>
/// <param name="Configs">Each parameter's group config.</param>
/// <param name="Groups">The parameter indices of each group, with its config.</param>
/// <param name="Checkpoints">torch's parameters and state by step.</param>
public sealed record FamilyCase(
    string Name,
    string Optimizer,
    FamilyConfig[] Configs,
    IReadOnlyList<(FamilyConfig Config, int[] Parameters)> Groups,
    IReadOnlyDictionary<int, FamilyCheckpoint> Checkpoints);
