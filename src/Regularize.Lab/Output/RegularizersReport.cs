namespace Regularize.Lab.Output;

/// <summary>The JSON written by <c>regularizers</c>.</summary>
internal sealed record RegularizersReport(string Command, RunSettings Settings, int TrainSize, int ValidationSize, double LearningRate,
    List<RegularizerRun> Runs);
