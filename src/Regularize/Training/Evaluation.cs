namespace Regularize.Training;

/// <summary>The loss and accuracy of a model on a dataset.</summary>
/// <param name="Loss">The mean loss per example.</param>
/// <param name="Accuracy">The fraction of examples whose largest logit is at their label, in [0, 1].</param>
/// <param name="Count">The number of examples.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Count);
