using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Layer normalisation over the trailing axes, as <c>torch.nn.LayerNorm</c>:
/// y = (x − μ) / √(σ² + ε) · γ + β, where μ and the biased variance σ² are taken over the last
/// <c>NormalizedShape.Length</c> axes of each sample, and γ (<c>weight</c>, initialised to ones) and β
/// (<c>bias</c>, zeros) have shape <see cref="NormalizedShape"/>.
/// </summary>
/// <remarks>
/// Composed from recorded primitives (Mean, Subtract, Square, Sqrt, Divide, Multiply, Add), so its gradient
/// comes from theirs. A fused kernel would do the forward in two passes over each row and the backward in
/// two more, instead of about eight full-size intermediates.
/// </remarks>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>Normalises over the last axis, of size <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The size of the last axis; positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="elementwiseAffine">Whether to learn γ and β.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size or ε is not positive.</exception>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
        : this([normalizedShape], eps, elementwiseAffine)
    {
    }

    /// <summary>Normalises over the last <c>normalizedShape.Length</c> axes, whose sizes must be <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The sizes of the trailing axes; at least one, each positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="elementwiseAffine">Whether to learn γ and β.</param>
    /// <exception cref="ArgumentException">The shape is empty or has a non-positive size, or ε is not positive.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
        {
            throw new ArgumentException(
                $"LayerNorm: normalizedShape {Shape.Format(normalizedShape)} must have at least one axis and positive sizes.", nameof(normalizedShape));
        }
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be positive and finite, was {eps}.");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(_normalizedShape), "weight"));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(_normalizedShape), "bias"));
        }
    }

    /// <summary>The sizes of the normalised trailing axes.</summary>
    public Shape NormalizedShape => new(_normalizedShape);

    /// <summary>ε, added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>γ, shape <see cref="NormalizedShape"/>, or null without an elementwise affine map.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, shape <see cref="NormalizedShape"/>, or null without an elementwise affine map.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override string Signature => $"LayerNorm {NormalizedShape}";

    /// <summary>Normalises each sample over the trailing axes; the output has the input's shape.</summary>
    /// <param name="input">A tensor whose last axes have the sizes <see cref="NormalizedShape"/>.</param>
    /// <exception cref="ArgumentException">The trailing axes do not match.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = _normalizedShape.Length;
        bool fits = input.Rank >= k;
        for (int i = 0; fits && i < k; i++) fits = input.Shape[input.Rank - k + i] == _normalizedShape[i];
        if (!fits) throw InputError(input, $"does not end in the normalized shape {NormalizedShape}");

        var mean = MeanOverTrailing(input, k);
        var centred = input - mean;
        var variance = MeanOverTrailing(centred.Square(), k);
        var y = centred / (variance + (float)Eps).Sqrt();
        if (Weight is not null) y = y * Weight.Value + Bias!.Value;
        return y;
    }

    private static Tensor MeanOverTrailing(Tensor x, int k)
    {
        // The mean over several equal-sized axes is the mean of the per-axis means.
        for (int axis = x.Rank - 1; axis >= x.Rank - k; axis--) x = x.Mean(axis, keepDims: true);
        return x;
    }
}
