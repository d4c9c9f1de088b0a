namespace Regularize.Lab.Output;

/// <summary>One variant of <c>compare</c>.</summary>
internal sealed record VariantReport(string Name, string Title, string Description, double LearningRate, double WeightDecay, bool Diverged, List<EpochRow> Epochs);
