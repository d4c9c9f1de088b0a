namespace Regularize.Lab.Output;

/// <summary>One arm of <c>regularizers</c>: its setting, its final figures (of the weights it ends with) and its epochs.</summary>
internal sealed record RegularizerRun(string Name, string Kind, double Lambda, string Setting, int EpochsRun, double TrainLoss,
    double TrainAccuracy, double TestLoss, double TestAccuracy, double Gap, double AccuracyGap, double WeightNorm, double Seconds,
    List<RegularizerEpoch> Epochs);
