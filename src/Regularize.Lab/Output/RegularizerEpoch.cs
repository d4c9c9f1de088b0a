namespace Regularize.Lab.Output;

/// <summary>One epoch of one arm of <c>regularizers</c>: the training loss as the loop saw it (with the regularizer
/// acting), and the clean losses and accuracies of the evaluated weights.</summary>
internal sealed record RegularizerEpoch(int Epoch, long Steps, double LoopTrainLoss, double TrainLoss, double TrainAccuracy,
    double ValidationLoss, double TestLoss, double TestAccuracy, double Gap, double WeightNorm, double LearningRate);
