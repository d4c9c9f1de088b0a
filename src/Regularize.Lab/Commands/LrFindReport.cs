namespace Regularize.Lab.Commands;

/// <summary>The JSON written by <c>lr-find</c>.</summary>
internal sealed record LrFindReport(string Command, string Optimizer, double WeightDecay, double Start, double End, int Steps,
    double Smoothing, double DivergenceFactor, int BatchSize, int[] Hidden, ulong Seed, bool Diverged,
    double SteepestLearningRate, double MinLossLearningRate, double Suggestion, string SuggestionRule, List<Regularize.Training.LearningRatePoint> Points);
