using Regularize.Schedules;

namespace Regularize.Lab.Experiments;

/// <summary>
/// How <c>regularize batch-size</c> sets the peak learning rate and the weight decay at batch size b, from the base
/// values lr₀ and λ₀ that hold at the reference batch b₀ (<see cref="Variant.ReferenceBatchSize"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>rule</term><description>value at batch size b</description></listheader>
/// <item><term>lr <c>none</c></term><description>lr₀</description></item>
/// <item><term>lr <c>linear</c></term><description>lr₀ · b / b₀ (Goyal et al. 2017)</description></item>
/// <item><term>lr <c>sqrt</c></term><description>lr₀ · √(b / b₀) (Krizhevsky 2014; Hoffer et al. 2017)</description></item>
/// <item><term>λ <c>fixed</c></term><description>λ₀</description></item>
/// <item><term>λ <c>normalized</c></term><description><see cref="NormalizedWeightDecay.Normalized"/>(λ_norm, b, B, T) =
/// λ_norm · √(b / (B·T)) with λ_norm = <see cref="NormalizedWeightDecay.ToNormalized"/>(λ₀, b₀, B, T), so b₀ gets λ₀
/// (Loshchilov &amp; Hutter, appendix B.1)</description></item>
/// </list>
/// B is the number of training examples and T the number of epochs.
/// </remarks>
internal sealed record BatchScaling(string LearningRateRule, string DecayRule, double BaseLearningRate, double BaseWeightDecay,
    int TrainingSetSize, int Epochs)
{
    public static IReadOnlyList<string> LearningRateRules { get; } = ["none", "linear", "sqrt"];

    public static IReadOnlyList<string> DecayRules { get; } = ["fixed", "normalized"];

    public static int ReferenceBatchSize => Variant.ReferenceBatchSize;

    /// <summary>λ_norm of the <c>normalized</c> rule; null for <c>fixed</c>.</summary>
    public double? LambdaNorm => DecayRule switch
    {
        "fixed" => null,
        "normalized" => NormalizedWeightDecay.ToNormalized(BaseWeightDecay, ReferenceBatchSize, TrainingSetSize, Epochs),
        _ => throw new InvalidOperationException($"unknown decay rule '{DecayRule}'"),
    };

    /// <summary>The peak learning rate at batch size <paramref name="batchSize"/>.</summary>
    public double LearningRate(int batchSize)
    {
        double ratio = (double)batchSize / ReferenceBatchSize;
        return LearningRateRule switch
        {
            "none" => BaseLearningRate,
            "linear" => BaseLearningRate * ratio,
            "sqrt" => BaseLearningRate * Math.Sqrt(ratio),
            _ => throw new InvalidOperationException($"unknown learning-rate scaling '{LearningRateRule}'"),
        };
    }

    /// <summary>The weight decay λ at batch size <paramref name="batchSize"/>.</summary>
    public double WeightDecay(int batchSize) => LambdaNorm is { } norm
        ? NormalizedWeightDecay.Normalized(norm, batchSize, TrainingSetSize, Epochs)
        : BaseWeightDecay;
}
