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
    /// <param name="reduction">Mean over elements (the default), sum, or none (the elementwise terms, of the prediction's shape).</param>
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
        CheckReduction(reduction);
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>
    /// Cross-entropy of logits against class indices, as <c>torch.nn.functional.cross_entropy</c> (PyTorch 1.13). With
    /// log-probabilities log pᵢ = LogSoftmax(logitsᵢ), class weights w (all 1 when <paramref name="weights"/> is null),
    /// label smoothing ε and C classes, sample i contributes the two terms
    /// ℓᵢ = −w[yᵢ]·log pᵢ[yᵢ] and sᵢ = −Σ_c w[c]·log pᵢ[c], both 0 when yᵢ = <paramref name="ignoreIndex"/>, and the loss is
    /// (1 − ε)·R(ℓ) + (ε/C)·R(s) for the reduction R:
    /// <list type="bullet">
    /// <item><see cref="Reduction.None"/>: the N values (1 − ε)·ℓᵢ + (ε/C)·sᵢ (0 for ignored samples);</item>
    /// <item><see cref="Reduction.Sum"/>: Σᵢ of them;</item>
    /// <item><see cref="Reduction.Mean"/>: R(ℓ) = Σᵢ ℓᵢ / W and R(s) = Σᵢ sᵢ / W with W = Σ_{i not ignored} w[yᵢ] (the
    /// weighted mean; without weights W is the number of samples not ignored). If every sample is ignored the mean is
    /// NaN (0/0), as in PyTorch.</item>
    /// </list>
    /// Without weights, ignored samples and smoothing this is the mean of −log pᵢ[yᵢ]; with ε alone it equals the
    /// cross-entropy against the smoothed distribution (1 − ε)·onehot + ε/C.
    /// </summary>
    /// <param name="logits">Unnormalised scores, shape <c>[N, C]</c>.</param>
    /// <param name="targets">N class indices, each in [0, C) or equal to <paramref name="ignoreIndex"/>.</param>
    /// <param name="reduction">Mean (the default), sum, or none (one loss per sample, shape <c>[N]</c>).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <param name="weights">Optional class weights w, shape <c>[C]</c>, finite; treated as constants (no gradient flows to them).</param>
    /// <param name="ignoreIndex">A target value whose samples contribute nothing (PyTorch's default −100).</param>
    /// <exception cref="ArgumentException">The logits are not 2-D, the number of targets is not N, a class is out of range, the weights are not <c>[C]</c> or not finite, or ε is outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0,
        Tensor? weights = null, int ignoreIndex = -100)
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
        int ignored = 0;
        for (int i = 0; i < n; i++)
        {
            if (targets[i] == ignoreIndex)
            {
                ignored++;
            }
            else if ((uint)targets[i] >= (uint)c)
            {
                throw new ArgumentException(
                    $"CrossEntropy: targets[{i}] = {targets[i]} is not a class of logits {logits.Shape}; classes are 0..{c - 1} (ignoreIndex is {ignoreIndex}).", nameof(targets));
            }
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"labelSmoothing must be in [0, 1], was {labelSmoothing}.");
        }
        if (weights is not null)
        {
            if (weights.Rank != 1 || weights.Shape[0] != c)
            {
                throw new ArgumentException($"CrossEntropy: weights {weights.Shape} must have shape [{c}], one per class of logits {logits.Shape}.", nameof(weights));
            }
            var ws = weights.Span;
            for (int k = 0; k < c; k++)
            {
                if (!float.IsFinite(ws[k])) throw new ArgumentException($"CrossEntropy: weights[{k}] is {ws[k]}; class weights must be finite.", nameof(weights));
            }
        }
        CheckReduction(reduction);

        var logProbabilities = logits.LogSoftmax();
        float eps = (float)labelSmoothing;
        if (weights is null && ignored == 0)
        {
            var nll = -logProbabilities.Gather(targets);
            if (labelSmoothing > 0)
            {
                var uniform = -logProbabilities.Mean(1);
                nll = nll * (1f - eps) + uniform * eps;
            }
            return Reduce(nll, reduction);
        }

        // Per-sample weights w[yᵢ] (0 for ignored samples) and a gatherable index for every sample.
        var sampleWeights = new float[n];
        var safeTargets = new int[n];
        for (int i = 0; i < n; i++)
        {
            bool skip = targets[i] == ignoreIndex;
            safeTargets[i] = skip ? 0 : targets[i];
            sampleWeights[i] = skip ? 0f : weights is null ? 1f : weights.Span[targets[i]];
        }
        var w = Tensor.FromArray(sampleWeights, n);
        var weightedNll = -logProbabilities.Gather(safeTargets) * w;
        Tensor? smooth = null;
        if (labelSmoothing > 0)
        {
            var keep = new float[n];
            for (int i = 0; i < n; i++) keep[i] = targets[i] == ignoreIndex ? 0f : 1f;
            var perClass = weights is null ? logProbabilities : logProbabilities * Tensor.FromArray(weights.ToArray(), c);
            smooth = -perClass.Sum(1) * Tensor.FromArray(keep, n);
        }
        switch (reduction)
        {
            case Reduction.None:
                return smooth is null ? weightedNll : weightedNll * (1f - eps) + smooth * (eps / c);
            case Reduction.Sum:
                return smooth is null ? weightedNll.Sum() : weightedNll.Sum() * (1f - eps) + smooth.Sum() * (eps / c);
            default:
                float totalWeight = 0f;
                foreach (float v in sampleWeights) totalWeight += v;
                var nllMean = weightedNll.Sum() / totalWeight;
                if (smooth is null) return nllMean;
                return nllMean * (1f - eps) + smooth.Sum() / totalWeight * (eps / c);
        }
    }

    /// <summary>
    /// Cross-entropy of logits against class probabilities (soft or one-hot targets, as mixup, cutmix and distillation
    /// give), as <c>torch.nn.functional.cross_entropy</c> with a floating-point target: with log pᵢ = LogSoftmax(logitsᵢ)
    /// and the smoothed target qᵢ = (1 − ε)·targetsᵢ + ε/C, the term of sample i is −Σ_c qᵢ[c]·log pᵢ[c]; the mean
    /// divides the sum of the N terms by N.
    /// </summary>
    /// <remarks>The targets are not checked to sum to one (PyTorch does not check either); for a one-hot target the
    /// result equals <see cref="CrossEntropy(Tensor, int[], Reduction, double, Tensor?, int)"/> with the class index.</remarks>
    /// <param name="logits">Unnormalised scores, shape <c>[N, C]</c>.</param>
    /// <param name="targets">Class probabilities, shape <c>[N, C]</c>, finite; they receive no gradient.</param>
    /// <param name="reduction">Mean over the N samples (the default), sum, or none (one loss per sample, shape <c>[N]</c>).</param>
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
        var terms = logits.LogSoftmax() * q;
        return reduction switch
        {
            Reduction.Mean => terms.Sum() * (-1f / n),
            Reduction.Sum => -terms.Sum(),
            Reduction.None => -terms.Sum(1),
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
    /// <param name="reduction">Mean over all elements (the default), sum, or none (the elementwise terms, of the logits' shape).</param>
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
        CheckReduction(reduction);
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
        Reduction.None => terms,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"reduction must be Mean, Sum or None, was {reduction}."),
    };

    private static void CheckReduction(Reduction reduction)
    {
        if (!Enum.IsDefined(reduction))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"reduction must be Mean, Sum or None, was {reduction}.");
        }
    }
}
