using Regularize.Lab.Experiments;

namespace Regularize.Lab.Output;

/// <summary>One variant of <c>compare</c>: its settings, every epoch, and its weight matrices at the end.</summary>
internal sealed record VariantReport(string Name, string Title, string Description, double LearningRate, double WeightDecay, bool Diverged,
    List<EpochRow> Epochs, List<LayerStats> Layers);
