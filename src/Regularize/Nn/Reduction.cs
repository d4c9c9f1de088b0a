namespace Regularize.Nn;

/// <summary>How a loss combines its per-element terms: into one scalar, or not at all (as the <c>reduction</c> argument of PyTorch losses).</summary>
public enum Reduction
{
    /// <summary>The mean of the terms (over samples for cross-entropy; over all elements for elementwise losses).</summary>
    Mean,

    /// <summary>The sum of the terms.</summary>
    Sum,

    /// <summary>No reduction: the terms themselves (one per sample for cross-entropy, one per element for elementwise losses).</summary>
    None,
}
