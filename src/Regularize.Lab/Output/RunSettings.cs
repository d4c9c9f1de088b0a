namespace Regularize.Lab.Output;

/// <summary>Settings shared by the result files.</summary>
internal sealed record RunSettings(string Data, int TrainExamples, int TestExamples, int Epochs, int BatchSize, int[] Hidden, ulong Seed, string Model = "mlp", bool Augment = false);
