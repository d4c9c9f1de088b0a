using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Batch normalisation over axis 1 of an <c>[N, C, …]</c> tensor, as <c>torch.nn.functional.batch_norm</c>:
    /// y = (x − μ)/√(σ² + ε)·γ + β per channel c. In training mode μ and the biased variance σ² are those of the
    /// batch (over N and every trailing axis, M values per channel), and the running statistics, when given, are
    /// updated in place: r_μ ← (1 − m)·r_μ + m·μ, r_σ² ← (1 − m)·r_σ² + m·σ²·M/(M − 1). In evaluation mode the running
    /// statistics are used as μ and σ².
    /// </summary>
    /// <param name="input">x, shape <c>[N, C]</c>, <c>[N, C, L]</c> or <c>[N, C, H, W]</c>.</param>
    /// <param name="runningMean">r_μ, shape <c>[C]</c>; required in evaluation mode, optional in training.</param>
    /// <param name="runningVar">r_σ², shape <c>[C]</c>; given together with <paramref name="runningMean"/>.</param>
    /// <param name="weight">γ, shape <c>[C]</c>, or null for 1.</param>
    /// <param name="bias">β, shape <c>[C]</c>, or null for 0.</param>
    /// <param name="training">Whether to use (and track) the batch's statistics.</param>
    /// <param name="momentum">m, in [0, 1].</param>
    /// <param name="eps">ε, positive.</param>
    /// <exception cref="ArgumentException">A shape that does not fit, missing running statistics in evaluation mode, or a single value per channel in training mode.</exception>
    /// <exception cref="ArgumentOutOfRangeException">m or ε outside its range.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"BatchNorm: momentum must be in [0, 1], was {momentum}.");
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"BatchNorm: eps must be positive and finite, was {eps}.");
        if (input.Rank < 2) throw new ArgumentException($"BatchNorm: the input must be [N, C, ...], got {input.Shape}.", nameof(input));
        int n = input.Shape[0], c = input.Shape[1], s = input.Length / Math.Max(1, n * c);
        CheckChannels(runningMean, c, nameof(runningMean), input);
        CheckChannels(runningVar, c, nameof(runningVar), input);
        CheckChannels(weight, c, nameof(weight), input);
        CheckChannels(bias, c, nameof(bias), input);
        if ((runningMean is null) != (runningVar is null))
        {
            throw new ArgumentException("BatchNorm: give both runningMean and runningVar, or neither.", nameof(runningVar));
        }
        if (!training && runningMean is null)
        {
            throw new ArgumentException("BatchNorm: evaluation mode needs runningMean and runningVar.", nameof(runningMean));
        }
        long m = (long)n * s;
        if (training && m < 2)
        {
            throw new ArgumentException($"BatchNorm: training needs more than 1 value per channel, but the input {input.Shape} has {m}.", nameof(input));
        }

        var y = Empty(input.Shape);
        var stats = Empty(new Shape(3 * c));
        if (training)
        {
            BatchNormKernel.ForwardTraining(n, c, s, input.Storage, input.Offset, weight?.Storage, weight?.Offset ?? 0,
                bias?.Storage, bias?.Offset ?? 0, (float)eps, y.Storage, y.Offset, stats.Storage, stats.Offset);
            if (runningMean is not null)
            {
                var rm = runningMean.Span;
                var rv = runningVar!.Span;
                ReadOnlySpan<float> st = stats.Span;
                double unbias = m / (m - 1.0);
                for (int ch = 0; ch < c; ch++)
                {
                    rm[ch] = (float)((1 - momentum) * rm[ch] + momentum * st[ch]);
                    rv[ch] = (float)((1 - momentum) * rv[ch] + momentum * st[2 * c + ch] * unbias);
                }
            }
        }
        else
        {
            BatchNormKernel.ForwardEval(n, c, s, input.Storage, input.Offset, weight?.Storage, weight?.Offset ?? 0,
                bias?.Storage, bias?.Offset ?? 0, (float)eps, runningMean!.Storage, runningMean.Offset,
                runningVar!.Storage, runningVar.Offset, y.Storage, y.Offset, stats.Storage, stats.Offset);
        }

        Tensor[] inputs = (weight, bias) switch
        {
            (null, null) => [input],
            (not null, null) => [input, weight],
            (null, not null) => [input, bias],
            _ => [input, weight!, bias!],
        };
        var node = Engine.Record(y, "BatchNorm", Derivatives.BatchNorm, inputs);
        if (node is not null)
        {
            node.Saved = stats;
            node.Flag = training;
            node.Axis = (weight is null ? 0 : 1) | (bias is null ? 0 : 2); // which of γ, β follow x in the inputs
        }
        return y;
    }

    /// <summary>
    /// Group normalisation of an <c>[N, C, …]</c> tensor, as <c>torch.nn.functional.group_norm</c>: the C channels are cut
    /// into G groups of C/G consecutive channels, and each sample's group (M = (C/G)·S values, S the product of the
    /// trailing sizes) is normalised with its own mean μ and biased variance σ²: y = (x − μ)/√(σ² + ε)·γ_c + β_c for
    /// channel c. Unlike batch normalisation it uses no batch statistics, so training and evaluation are the same.
    /// G = 1 normalises each sample over (C, H, W) (LayerNorm over those axes with a per-channel affine map);
    /// G = C is instance normalisation.
    /// </summary>
    /// <param name="input">x, shape <c>[N, C]</c>, <c>[N, C, L]</c>, <c>[N, C, H, W]</c>, …</param>
    /// <param name="numGroups">G, positive, dividing C.</param>
    /// <param name="weight">γ, shape <c>[C]</c>, or null for 1.</param>
    /// <param name="bias">β, shape <c>[C]</c>, or null for 0.</param>
    /// <param name="eps">ε, positive.</param>
    /// <exception cref="ArgumentException">The input has rank below 2, G does not divide C, or γ or β is not <c>[C]</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">G is not positive, or ε is not positive and finite.</exception>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (numGroups <= 0) throw new ArgumentOutOfRangeException(nameof(numGroups), numGroups, $"GroupNorm: numGroups must be positive, was {numGroups}.");
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"GroupNorm: eps must be positive and finite, was {eps}.");
        if (input.Rank < 2) throw new ArgumentException($"GroupNorm: the input must be [N, C, ...], got {input.Shape}.", nameof(input));
        int n = input.Shape[0], c = input.Shape[1];
        if (c % numGroups != 0)
        {
            throw new ArgumentException($"GroupNorm: the input {input.Shape} has {c} channels, which {numGroups} groups do not divide.", nameof(input));
        }
        foreach (var (t, name) in new[] { (weight, nameof(weight)), (bias, nameof(bias)) })
        {
            if (t is not null && (t.Rank != 1 || t.Shape[0] != c))
            {
                throw new ArgumentException($"GroupNorm: {name} must be [{c}] for the input {input.Shape}, got {t.Shape}.", name);
            }
        }
        int s = n * c == 0 ? 0 : input.Length / (n * c);

        var y = Empty(input.Shape);
        var stats = Empty(new Shape(Math.Max(1, 2 * n * numGroups)));
        GroupNormKernel.Forward(n, c, s, numGroups, input.Storage, input.Offset, weight?.Storage, weight?.Offset ?? 0,
            bias?.Storage, bias?.Offset ?? 0, (float)eps, y.Storage, y.Offset, stats.Storage, stats.Offset);

        Tensor[] inputs = (weight, bias) switch
        {
            (null, null) => [input],
            (not null, null) => [input, weight],
            (null, not null) => [input, bias],
            _ => [input, weight!, bias!],
        };
        var node = Engine.Record(y, "GroupNorm", Derivatives.GroupNorm, inputs);
        if (node is not null)
        {
            node.Saved = stats;
            node.Axis = (weight is null ? 0 : 1) | (bias is null ? 0 : 2); // which of γ, β follow x in the inputs
            node.Indices = [numGroups];
        }
        return y;
    }

    private static void CheckChannels(Tensor? t, int c, string name, Tensor input)
    {
        if (t is not null && (t.Rank != 1 || t.Shape[0] != c))
        {
            throw new ArgumentException($"BatchNorm: {name} must be [{c}] for the input {input.Shape}, got {t.Shape}.", name);
        }
    }

    /// <summary>
    /// Channel dropout, as <c>torch.nn.functional.dropout2d</c>: in training mode each whole channel x[n, c] is zeroed
    /// with probability p and the kept ones are scaled by 1/(1 − p); otherwise (or with p = 0) the input is returned.
    /// One draw of <paramref name="rng"/> per (n, c), in that order.
    /// </summary>
    /// <param name="input">x, shape <c>[N, C, H, W]</c> (any rank of 3 or more: the trailing axes are one channel).</param>
    /// <param name="p">The probability of zeroing a channel, in [0, 1).</param>
    /// <param name="rng">The generator of the mask.</param>
    /// <param name="training">Whether to drop.</param>
    /// <exception cref="ArgumentException">The input has rank below 3.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> outside [0, 1).</exception>
    public static Tensor Dropout2d(Tensor input, double p, Rng rng, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout2d: p must be in [0, 1), was {p}.");
        if (input.Rank < 3) throw new ArgumentException($"Dropout2d: the input must be [N, C, H, W], got {input.Shape}.", nameof(input));
        if (!training || p == 0) return input;
        var dims = new int[input.Rank];
        dims[0] = input.Shape[0];
        dims[1] = input.Shape[1];
        for (int i = 2; i < dims.Length; i++) dims[i] = 1;
        var mask = Empty(new Shape(dims));
        float keep = (float)(1.0 / (1.0 - p));
        var ms = mask.Span;
        for (int i = 0; i < ms.Length; i++) ms[i] = rng.NextDouble() < p ? 0f : keep;
        return input * mask;
    }
}
