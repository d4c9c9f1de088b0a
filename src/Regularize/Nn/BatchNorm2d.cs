using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Batch normalisation of NCHW batches per channel, as <c>torch.nn.BatchNorm2d</c>:
/// y = (x − μ)/√(σ² + ε)·γ + β for each channel c, with γ (<c>weight</c>, ones) and β (<c>bias</c>, zeros) of shape
/// <c>[C]</c>; the statistics run over the N·H·W values of a channel. One fused op (<see cref="Tensor.BatchNorm"/>).
/// </summary>
/// <remarks>
/// <para>In training mode μ and the biased variance σ² are the batch's, and the buffers <c>running_mean</c> and
/// <c>running_var</c> are updated as r ← (1 − m)·r + m·s, where the variance s is the batch's unbiased variance
/// (σ²·M/(M − 1), M = N·H·W), as PyTorch does; with momentum null, m = 1/t for the t-th batch (a cumulative
/// average). <c>num_batches_tracked</c> counts the updates.</para>
/// <para>In evaluation mode the running statistics replace the batch's. Without tracked running statistics the
/// batch's are used in both modes. Names and shapes match PyTorch's, so safetensors files move between the two.</para>
/// </remarks>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the number of channels; positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="momentum">m, the weight of the new batch in the running statistics, in [0, 1]; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="trackRunningStats">Whether to keep running statistics (and use them in evaluation mode).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    /// <inheritdoc/>
    protected override string Signature => $"BatchNorm2d {NumFeatures}";

    /// <summary>Normalises each channel; the output has the input's shape <c>[N, C, H, W]</c>.</summary>
    /// <param name="input">A batch <c>[N, C, H, W]</c>; in training mode N·H·W must exceed 1.</param>
    /// <exception cref="ArgumentException">The input is not <c>[N, C, H, W]</c>, or has a single value per channel in training mode.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4) throw InputError(input, $"has rank {input.Rank}, expected [N,{NumFeatures},H,W]");
        if (input.Shape[1] != NumFeatures) throw InputError(input, $"has {input.Shape[1]} channels, expected {NumFeatures}");
        bool batchStats = IsTraining || RunningMean is null;
        if (batchStats && input.Length / NumFeatures < 2)
        {
            throw InputError(input, "has a single value per channel; batch statistics need more than 1 in training mode");
        }
        double momentum = 0;
        if (IsTraining && NumBatchesTrackedBuffer is not null) momentum = CountBatch();
        var track = IsTraining ? RunningMean : null;
        return batchStats
            ? Tensor.BatchNorm(input, track, IsTraining ? RunningVar : null, Weight?.Value, Bias?.Value, training: true, momentum, Eps)
            : Tensor.BatchNorm(input, RunningMean, RunningVar, Weight?.Value, Bias?.Value, training: false, 0, Eps);
    }
}
