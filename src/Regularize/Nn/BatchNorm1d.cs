using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Batch normalisation of <c>[N, C]</c> inputs, as <c>torch.nn.BatchNorm1d</c>:
/// y = (x − μ) / √(σ² + ε) · γ + β per feature (column) c, with γ (<c>weight</c>, ones) and β (<c>bias</c>, zeros)
/// of shape <c>[C]</c>.
/// </summary>
/// <remarks>
/// <para>In training mode μ and the biased variance σ² are those of the batch, and the buffers
/// <c>running_mean</c> and <c>running_var</c> are updated as r ← (1 − m)·r + m·s, where the variance s is the
/// batch's unbiased variance (σ²·N/(N − 1)), as PyTorch does; with momentum null, m = 1/t for the t-th batch
/// (a cumulative average). <c>num_batches_tracked</c> counts the updates.</para>
/// <para>In evaluation mode the running statistics replace the batch's, so the output of a sample does not
/// depend on the rest of its batch. Without tracked running statistics the batch's are used in both modes.</para>
/// <para>Composed from recorded primitives; a fused kernel would save the intermediates (see <see cref="LayerNorm"/>).</para>
/// </remarks>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the number of features (columns); positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="momentum">m, the weight of the new batch in the running statistics, in [0, 1]; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="trackRunningStats">Whether to keep running statistics (and use them in evaluation mode).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    /// <inheritdoc/>
    protected override string Signature => $"BatchNorm1d {NumFeatures}";

    /// <summary>Normalises each feature; the output has the input's shape <c>[N, C]</c>.</summary>
    /// <param name="input">A batch <c>[N, C]</c>; in training mode N must exceed 1.</param>
    /// <exception cref="ArgumentException">The input is not <c>[N, C]</c>, or has a single row in training mode.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2) throw InputError(input, $"has rank {input.Rank}, expected [N,{NumFeatures}]");
        if (input.Shape[1] != NumFeatures) throw InputError(input, $"has {input.Shape[1]} features, expected {NumFeatures}");

        Tensor y;
        if (IsTraining || RunningMean is null)
        {
            int n = input.Shape[0];
            if (n < 2) throw InputError(input, "has a single row; batch statistics need more than 1 value per feature in training mode");
            var mean = input.Mean(0, keepDims: true);
            var centred = input - mean;
            var variance = centred.Square().Mean(0, keepDims: true);
            y = centred / (variance + (float)Eps).Sqrt();
            if (IsTraining && RunningMean is not null) UpdateRunningStats(mean, variance, n);
        }
        else
        {
            // Copies, so that a later training step updating the buffers in place cannot change this graph.
            var mean = RunningMean.Clone();
            var scale = (RunningVar!.Clone() + (float)Eps).Sqrt();
            y = (input - mean) / scale;
        }
        if (Weight is not null) y = y * Weight.Value + Bias!.Value;
        return y;
    }

    private void UpdateRunningStats(Tensor batchMean, Tensor batchVariance, int n)
    {
        double m = CountBatch();
        double unbias = n / (n - 1.0);
        var rm = RunningMean!.Span;
        var rv = RunningVar!.Span;
        var bm = batchMean.Span;
        var bv = batchVariance.Span;
        for (int c = 0; c < rm.Length; c++)
        {
            rm[c] = (float)((1 - m) * rm[c] + m * bm[c]);
            rv[c] = (float)((1 - m) * rv[c] + m * bv[c] * unbias);
        }
    }
}
