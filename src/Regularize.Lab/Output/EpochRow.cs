namespace Regularize.Lab.Output;

/// <summary>One epoch in a result file.</summary>
internal sealed record EpochRow(int Epoch, long Steps, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double WeightNorm, double DecayedWeightNorm, double LearningRate, double WeightDecay, bool Diverged, double Seconds);
