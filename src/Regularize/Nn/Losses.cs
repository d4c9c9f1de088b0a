using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Loss functions, each returning a scalar tensor on the autograd graph (call <c>Backward()</c> on it), with
/// the definitions of the corresponding PyTorch losses.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Mean squared error, as <c>torch.nn.functional.mse_loss</c>: the mean (or sum) over all elements of
    /// (prediction − target)².
    /// </summary>
    /// <param name="prediction">The predictions.</param>
    /// <param name="target">The targets, of the same shape (no broadcasting).</param>
    /// <param name="reduction">Mean over elements (the default) or sum.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor MeanSquaredError(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Shape != target.Shape)
        {
            throw new ArgumentException(
                $"MeanSquaredError: prediction {prediction.Shape} and target {target.Shape} must have the same shape.", nameof(target));
        }
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>
    /// Cross-entropy of logits against class indices, as <c>torch.nn.functional.cross_entropy</c>: for sample i with
    /// log-probabilities log pᵢ = LogSoftmax(logitsᵢ), the term is
    /// (1 − ε)·(−log pᵢ[targetᵢ]) + ε·mean_c(−log pᵢ[c]), where ε is <paramref name="labelSmoothing"/>
    /// (this equals the cross-entropy against the smoothed distribution (1 − ε)·onehot + ε/C).
    /// </summary>
    /// <param name="logits">Unnormalised scores, shape <c>[N, C]</c>.</param>
    /// <param name="targets">N class indices, each in [0, C).</param>
    /// <param name="reduction">Mean over the N samples (the default) or sum.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <exception cref="ArgumentException">The logits are not 2-D, the number of targets is not N, a class is out of range, or ε is outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Rank != 2)
        {
            throw new ArgumentException($"CrossEntropy: logits {logits.Shape} must have shape [N, C].", nameof(logits));
        }
        int n = logits.Shape[0], c = logits.Shape[1];
        if (targets.Length != n)
        {
            throw new ArgumentException(
                $"CrossEntropy: {targets.Length} targets for logits {logits.Shape}; expected one class index per row ({n}).", nameof(targets));
        }
        for (int i = 0; i < n; i++)
        {
            if ((uint)targets[i] >= (uint)c)
            {
                throw new ArgumentException(
                    $"CrossEntropy: targets[{i}] = {targets[i]} is not a class of logits {logits.Shape}; classes are 0..{c - 1}.", nameof(targets));
            }
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"labelSmoothing must be in [0, 1], was {labelSmoothing}.");
        }

        var logProbabilities = logits.LogSoftmax();
        var nll = -logProbabilities.Gather(targets);
        if (labelSmoothing > 0)
        {
            float eps = (float)labelSmoothing;
            var uniform = -logProbabilities.Mean(1);
            nll = nll * (1f - eps) + uniform * eps;
        }
        return Reduce(nll, reduction);
    }

    /// <summary>
    /// Cross-entropy of logits against class probabilities (soft or one-hot targets, as mixup, cutmix and distillation
    /// give), as <c>torch.nn.functional.cross_entropy</c> with a floating-point target: with log pᵢ = LogSoftmax(logitsᵢ)
    /// and the smoothed target qᵢ = (1 − ε)·targetsᵢ + ε/C, the term of sample i is −Σ_c qᵢ[c]·log pᵢ[c]; the mean
    /// divides the sum of the N terms by N.
    /// </summary>
    /// <remarks>The targets are not checked to sum to one (PyTorch does not check either); for a one-hot target the
    /// result equals <see cref="CrossEntropy(Tensor, int[], Reduction, double)"/> with the class index.</remarks>
    /// <param name="logits">Unnormalised scores, shape <c>[N, C]</c>.</param>
    /// <param name="targets">Class probabilities, shape <c>[N, C]</c>, finite; they receive no gradient.</param>
    /// <param name="reduction">Mean over the N samples (the default) or sum.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <exception cref="ArgumentException">The logits are not 2-D, the shapes differ, a target is not finite, or ε is outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Rank != 2)
        {
            throw new ArgumentException($"CrossEntropy: logits {logits.Shape} must have shape [N, C].", nameof(logits));
        }
        if (targets.Shape != logits.Shape)
        {
            throw new ArgumentException(
                $"CrossEntropy: probability targets {targets.Shape} must have the shape of the logits {logits.Shape}.", nameof(targets));
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"labelSmoothing must be in [0, 1], was {labelSmoothing}.");
        }
        var t = targets.Span;
        for (int i = 0; i < t.Length; i++)
        {
            if (!float.IsFinite(t[i]))
            {
                throw new ArgumentException($"CrossEntropy: probability target element {i} is {t[i]}; targets must be finite.", nameof(targets));
            }
        }
        int n = logits.Shape[0], c = logits.Shape[1];
        Tensor q = targets.Detach();
        if (labelSmoothing > 0) q = q * (float)(1 - labelSmoothing) + (float)(labelSmoothing / c);
        var total = (logits.LogSoftmax() * q).Sum();
        return reduction switch
        {
            Reduction.Mean => total * (-1f / n),
            Reduction.Sum => -total,
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
        };
    }

    /// <summary>
    /// Binary cross-entropy of logits x against targets y in [0, 1], as
    /// <c>torch.nn.functional.binary_cross_entropy_with_logits</c>: per element
    /// −y·log σ(x) − (1 − y)·log(1 − σ(x)), computed in the stable form max(x, 0) − x·y + log(1 + e^(−|x|)).
    /// </summary>
    /// <remarks>
    /// max(x, 0) is written (x + |x|)/2, so that at x = 0 the recorded derivative is the true σ(0) − y = ½ − y
    /// rather than the −y that ReLU's and |x|'s one-sided conventions would give.
    /// </remarks>
    /// <param name="logits">The logits x, any shape.</param>
    /// <param name="targets">The targets y (probabilities in [0, 1]; need not be 0 or 1), of the same shape.</param>
    /// <param name="reduction">Mean over all elements (the default) or sum.</param>
    /// <exception cref="ArgumentException">The shapes differ, or a target is outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Shape != targets.Shape)
        {
            throw new ArgumentException(
                $"BinaryCrossEntropyWithLogits: logits {logits.Shape} and targets {targets.Shape} must have the same shape.", nameof(targets));
        }
        var t = targets.Span;
        for (int i = 0; i < t.Length; i++)
        {
            if (!(t[i] >= 0f && t[i] <= 1f))
            {
                throw new ArgumentException(
                    $"BinaryCrossEntropyWithLogits: target element {i} is {t[i]}; targets must be probabilities in [0, 1].", nameof(targets));
            }
        }
        var absolute = logits.Abs();
        var positivePart = (logits + absolute) * 0.5f;
        var terms = positivePart - logits * targets + ((-absolute).Exp() + 1f).Log();
        return Reduce(terms, reduction);
    }

    private static Tensor Reduce(Tensor terms, Reduction reduction) => reduction switch
    {
        Reduction.Mean => terms.Mean(),
        Reduction.Sum => terms.Sum(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };
}
