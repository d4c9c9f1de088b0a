namespace Regularize.Lab.Commands;

/// <summary>One finished trial of a sweep.</summary>
internal sealed record SweepTrial(int Index, double LearningRate, double WeightDecay, double TrainLoss, double TestLoss,
    double TestAccuracy, double TestError, double DecayedWeightNorm, bool Diverged, double Seconds);
