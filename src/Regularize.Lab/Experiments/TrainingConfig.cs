namespace Regularize.Lab.Experiments;

/// <summary>What every run of a command shares: the data, the model shape, the length of training and the seed.</summary>
internal sealed record TrainingConfig(string DataFolder, int Epochs, int BatchSize, int[] Hidden, ulong Seed);
