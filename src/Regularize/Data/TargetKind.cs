namespace Regularize.Data;

/// <summary>What a batch's targets are, which chooses the default loss and the accuracy a trainer measures.</summary>
public enum TargetKind
{
    /// <summary>One class index per example (<see cref="Batch.Labels"/>): cross-entropy, accuracy of the arg-max.</summary>
    ClassIndices,

    /// <summary>A probability per class (soft or one-hot, <c>[N, C]</c>): cross-entropy against probabilities; the
    /// accuracy compares the arg-max of the output with the arg-max of the target.</summary>
    ClassProbabilities,

    /// <summary>Real values (<c>[N, ...]</c>): mean squared error; no accuracy.</summary>
    Regression,

    /// <summary>Independent 0/1 indicators per label (<c>[N, L]</c>): binary cross-entropy with logits; the accuracy is
    /// the fraction of indicators where logit &gt; 0 agrees with target &gt; ½.</summary>
    MultiLabel,
}
