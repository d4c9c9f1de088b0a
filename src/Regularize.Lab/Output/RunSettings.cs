namespace Regularize.Lab.Output;

/// <summary>Settings shared by the result files.</summary>
/// <param name="Hidden">The model's widths (<see cref="Experiments.TrainingConfig.Widths"/>).</param>
/// <param name="DropPath">The ResNet's <c>--drop-path</c>; null (and left out of the JSON) for the other models.</param>
internal sealed record RunSettings(string Data, int TrainExamples, int TestExamples, int Epochs, int BatchSize, int[] Hidden, ulong Seed, string Model = "mlp", bool Augment = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? DropPath = null);
