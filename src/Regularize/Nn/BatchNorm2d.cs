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
public sealed class BatchNorm2d : Module
{
    private readonly Tensor? _runningMean;
    private readonly Tensor? _runningVar;
    private readonly Tensor? _numBatchesTracked;

    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the number of channels; positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="momentum">m, the weight of the new batch in the running statistics, in [0, 1]; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="trackRunningStats">Whether to keep running statistics (and use them in evaluation mode).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be positive and finite, was {eps}.");
        if (momentum is double mo && !(mo >= 0 && mo <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"momentum must be in [0, 1] or null, was {mo}.");
        }
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numFeatures), "weight"));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(numFeatures), "bias"));
        }
        if (trackRunningStats)
        {
            _runningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            _runningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            _numBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0f));
        }
    }

    /// <summary>C, the number of channels.</summary>
    public int NumFeatures { get; }

    /// <summary>ε, added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>m, the weight of a new batch in the running statistics; null for a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>γ, shape <c>[C]</c>, or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, shape <c>[C]</c>, or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>The running mean (buffer <c>running_mean</c>, shape <c>[C]</c>), or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean => _runningMean;

    /// <summary>The running unbiased variance (buffer <c>running_var</c>, shape <c>[C]</c>), or null when running statistics are not tracked.</summary>
    public Tensor? RunningVar => _runningVar;

    /// <summary>How many training batches have updated the running statistics.</summary>
    public long NumBatchesTracked => _numBatchesTracked is null ? 0 : (long)_numBatchesTracked.Item();

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
        bool batchStats = IsTraining || _runningMean is null;
        if (batchStats && input.Length / NumFeatures < 2)
        {
            throw InputError(input, "has a single value per channel; batch statistics need more than 1 in training mode");
        }
        double momentum = 0;
        if (IsTraining && _numBatchesTracked is not null)
        {
            float count = _numBatchesTracked.Item() + 1;
            _numBatchesTracked.Span[0] = count;
            momentum = Momentum ?? 1.0 / count;
        }
        var track = IsTraining ? _runningMean : null;
        return batchStats
            ? Tensor.BatchNorm(input, track, IsTraining ? _runningVar : null, Weight?.Value, Bias?.Value, training: true, momentum, Eps)
            : Tensor.BatchNorm(input, _runningMean, _runningVar, Weight?.Value, Bias?.Value, training: false, 0, Eps);
    }
}
