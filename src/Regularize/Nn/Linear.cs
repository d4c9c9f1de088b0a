using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, as <c>torch.nn.Linear</c>: weight <c>weight</c> of shape
/// <c>[outFeatures, inFeatures]</c>, bias <c>bias</c> of shape <c>[outFeatures]</c>.
/// </summary>
/// <remarks>
/// Initialised as PyTorch does: the weight by Kaiming uniform with negative slope √5, which is
/// U(−1/√in, 1/√in), and the bias from the same U(−1/√in, 1/√in). Both are drawn from one
/// <see cref="Rng"/> seeded with the constructor's seed, weight first. Without a seed the layer takes the next seed of
/// <see cref="DefaultGenerator"/>, so layers of the same shape start different and <see cref="DefaultGenerator.ManualSeed"/>
/// reproduces a whole model; with an explicit seed, layers of the same shape and seed start equal.
/// </remarks>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initialises it from <paramref name="seed"/>.</summary>
    /// <param name="inFeatures">The size of each input row; positive.</param>
    /// <param name="outFeatures">The size of each output row; positive.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="seed">The seed of the initialisation; null (the default) to draw one from <see cref="DefaultGenerator"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is not positive.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, ulong? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var rng = new Rng(DefaultGenerator.Resolve(seed));
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(outFeatures, inFeatures), "weight"));
        Init.KaimingUniform(Weight, rng, negativeSlope: Math.Sqrt(5.0));
        if (bias)
        {
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outFeatures), "bias"));
            double bound = 1.0 / Math.Sqrt(inFeatures);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight W, shape <c>[OutFeatures, InFeatures]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias b, shape <c>[OutFeatures]</c>, or null when built without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override string Signature => $"Linear {InFeatures}->{OutFeatures}{(Bias is null ? ", no bias" : "")}";

    /// <summary>
    /// Computes x·Wᵀ + b over the last axis: <c>[N, InFeatures]</c> gives <c>[N, OutFeatures]</c>, and in general
    /// <c>[..., InFeatures]</c> gives <c>[..., OutFeatures]</c>.
    /// </summary>
    /// <param name="input">Rows of <see cref="InFeatures"/> features, rank 2 or more.</param>
    /// <exception cref="ArgumentException">The input has rank below 2 or the wrong number of features.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2) throw InputError(input, $"has rank {input.Rank}, expected [N,{InFeatures}]");
        if (input.Shape[-1] != InFeatures) throw InputError(input, $"has {input.Shape[-1]} features, expected {InFeatures}");
        Tensor y;
        if (input.Rank <= 3)
        {
            y = Tensor.MatMul(input, Weight.Value, transposeB: true);
        }
        else
        {
            int[] outShape = input.Shape.ToArray();
            outShape[^1] = OutFeatures;
            y = Tensor.MatMul(input.Reshape(-1, InFeatures), Weight.Value, transposeB: true).Reshape(outShape);
        }
        return Bias is null ? y : y + Bias.Value;
    }
}
