using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Group normalisation (Wu and He, 2018), as <c>torch.nn.GroupNorm</c>: the C channels of an <c>[N, C, …]</c> input are
/// cut into G groups of C/G consecutive channels, and each sample's group is normalised with its own mean μ and biased
/// variance σ² over its (C/G)·H·W values: y = (x − μ)/√(σ² + ε)·γ_c + β_c, with γ (<c>weight</c>, ones) and β
/// (<c>bias</c>, zeros) of shape <c>[C]</c>. One fused op (<see cref="Tensor.GroupNorm"/>).
/// </summary>
/// <remarks>
/// The statistics are per sample, never per batch, so the layer behaves the same in training and evaluation mode, has
/// no running statistics, and works with any batch size (including 1), where BatchNorm's estimates become noisy.
/// G = 1 normalises over (C, H, W) like a LayerNorm with a per-channel affine map; G = C is instance normalisation.
/// </remarks>
public sealed class GroupNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numGroups">G, the number of groups; positive, dividing <paramref name="numChannels"/>.</param>
    /// <param name="numChannels">C, the number of channels; positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <exception cref="ArgumentOutOfRangeException">G or C is not positive, G does not divide C, or ε is not positive and finite.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numGroups <= 0) throw new ArgumentOutOfRangeException(nameof(numGroups), numGroups, $"GroupNorm: numGroups must be positive, was {numGroups}.");
        if (numChannels <= 0) throw new ArgumentOutOfRangeException(nameof(numChannels), numChannels, $"GroupNorm: numChannels must be positive, was {numChannels}.");
        if (numChannels % numGroups != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numGroups), numGroups, $"GroupNorm: numChannels {numChannels} is not divisible by numGroups {numGroups}.");
        }
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"GroupNorm: eps must be positive and finite, was {eps}.");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numChannels), "weight"));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(numChannels), "bias"));
        }
    }

    /// <summary>G, the number of groups.</summary>
    public int NumGroups { get; }

    /// <summary>C, the number of channels.</summary>
    public int NumChannels { get; }

    /// <summary>ε, added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>γ, shape <c>[C]</c>, or null without an affine map.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, shape <c>[C]</c>, or null without an affine map.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override string Signature => $"GroupNorm groups={NumGroups} channels={NumChannels}";

    /// <summary>Normalises each sample's groups; the output has the input's shape.</summary>
    /// <param name="input">A batch <c>[N, C, …]</c> (for example <c>[N, C, H, W]</c>).</param>
    /// <exception cref="ArgumentException">The input has rank below 2 or a channel count other than C.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2) throw InputError(input, $"has rank {input.Rank}, expected [N,{NumChannels},...]");
        if (input.Shape[1] != NumChannels) throw InputError(input, $"has {input.Shape[1]} channels, expected {NumChannels}");
        return Tensor.GroupNorm(input, NumGroups, Weight?.Value, Bias?.Value, Eps);
    }
}
