namespace Regularize.Lab.Experiments;

/// <summary>One training run: a variant with its learning rate and weight decay.</summary>
internal sealed record TrialSpec(Variant Variant, double LearningRate, double WeightDecay);
