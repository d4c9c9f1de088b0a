namespace Regularize.Lab.Output;

/// <summary>One MLP trained on the first k PCA coordinates (k = 0 for the raw pixels): its final test accuracy and median epoch time.</summary>
internal sealed record PcaRow(int Components, int Inputs, double ExplainedVariance, double TestAccuracy, double TestLoss, double EpochSeconds);
