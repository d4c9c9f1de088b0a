using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// What <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> share: γ (<c>weight</c>, ones) and β (<c>bias</c>, zeros)
/// of shape <c>[C]</c>, the buffers <c>running_mean</c>, <c>running_var</c> and <c>num_batches_tracked</c> under
/// PyTorch's names, ε and the momentum m of the running statistics. The subclasses differ only in the input's layout.
/// </summary>
public abstract class BatchNorm : Module
{
    private double? _momentum;

    /// <summary>Creates the parameters and buffers.</summary>
    /// <param name="numFeatures">C, the number of features or channels; positive.</param>
    /// <param name="eps">ε, added to the variance; positive.</param>
    /// <param name="momentum">m, the weight of the new batch in the running statistics, in [0, 1]; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="trackRunningStats">Whether to keep running statistics (and use them in evaluation mode).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    private protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be positive and finite, was {eps}.");
        if (momentum is double mo && !(mo >= 0 && mo <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"momentum must be in [0, 1] or null, was {mo}.");
        }
        NumFeatures = numFeatures;
        Eps = eps;
        _momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numFeatures), "weight"));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(numFeatures), "bias"));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTrackedBuffer = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0f));
        }
    }

    /// <summary>C, the number of features (1-D) or channels (2-D).</summary>
    public int NumFeatures { get; }

    /// <summary>ε, added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>m, the weight of a new batch in the running statistics, in [0, 1]; null for a cumulative average. Settable,
    /// as PyTorch's attribute is (SWA's BatchNorm update switches to the cumulative average for one pass).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1].</exception>
    public double? Momentum
    {
        get => _momentum;
        set
        {
            if (value is double mo && !(mo >= 0 && mo <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"momentum must be in [0, 1] or null, was {mo}.");
            }
            _momentum = value;
        }
    }

    /// <summary>γ, shape <c>[C]</c>, or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, shape <c>[C]</c>, or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>The running mean (buffer <c>running_mean</c>, shape <c>[C]</c>), or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>The running unbiased variance (buffer <c>running_var</c>, shape <c>[C]</c>), or null when running statistics are not tracked.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>How many training batches have updated the running statistics.</summary>
    public long NumBatchesTracked => NumBatchesTrackedBuffer is null ? 0 : (long)NumBatchesTrackedBuffer.Item();

    /// <summary>The buffer <c>num_batches_tracked</c> (a scalar), or null when running statistics are not tracked.</summary>
    private protected Tensor? NumBatchesTrackedBuffer { get; }

    /// <summary>Resets the running statistics as <c>reset_running_stats</c> does: mean 0, variance 1, no batches tracked.
    /// Does nothing without tracked statistics.</summary>
    public void ResetRunningStats()
    {
        if (RunningMean is null) return;
        RunningMean.Span.Clear();
        RunningVar!.Span.Fill(1f);
        NumBatchesTrackedBuffer!.Span[0] = 0f;
    }

    /// <summary>Counts one more tracked batch and returns the momentum of this update: m, or 1/t for the cumulative average.</summary>
    private protected double CountBatch()
    {
        float count = NumBatchesTrackedBuffer!.Item() + 1;
        NumBatchesTrackedBuffer.Span[0] = count;
        return Momentum ?? 1.0 / count;
    }
}
