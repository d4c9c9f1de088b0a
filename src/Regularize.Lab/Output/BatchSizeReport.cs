namespace Regularize.Lab.Output;

/// <summary>The JSON written by <c>batch-size</c>.</summary>
/// <param name="Command"><c>batch-size</c>.</param>
/// <param name="Settings">The data, model, epochs and seed; its batch size is the reference b₀, where the base values hold.</param>
/// <param name="Variant">The optimizer variant.</param>
/// <param name="LearningRateScaling"><c>none</c>, <c>linear</c> or <c>sqrt</c>.</param>
/// <param name="DecayRule"><c>fixed</c> or <c>normalized</c>.</param>
/// <param name="BaseLearningRate">The peak learning rate at b₀.</param>
/// <param name="BaseWeightDecay">λ at b₀.</param>
/// <param name="LambdaNorm">λ_norm of the normalized rule, null for fixed.</param>
/// <param name="Runs">One per batch size, in increasing order.</param>
internal sealed record BatchSizeReport(string Command, RunSettings Settings, string Variant, string LearningRateScaling, string DecayRule,
    double BaseLearningRate, double BaseWeightDecay, double? LambdaNorm, List<BatchSizeRun> Runs);
