using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// Mixes the examples of a batch with those of a seeded random permutation of it and returns the mixed batch with soft
/// class targets (<see cref="TargetKind.ClassProbabilities"/>): the base of <see cref="Mixup"/> and <see cref="CutMix"/>.
/// </summary>
/// <remarks>
/// For each batch, λ ~ Beta(α, α) and a permutation π of the batch are drawn from the mixer's own <see cref="Rng"/>;
/// the derived class mixes the inputs and returns the weight λ of the original examples, and the targets become
/// ỹᵢ = λ·yᵢ + (1 − λ)·y_π(i), with y the one-hot vector of a label (or the batch's own class probabilities).
/// The mixed inputs and targets are the mixer's buffers, overwritten by the next call. The same seed and the same
/// batches give the same mixes.
/// </remarks>
public abstract class BatchMixer
{
    private readonly Rng _rng;
    private int[] _permutation = [];
    private Tensor? _inputs, _targets;

    /// <summary>Sets the hyperparameters shared by every mixer.</summary>
    /// <param name="alpha">α of Beta(α, α); positive and finite.</param>
    /// <param name="classCount">The number of classes; positive.</param>
    /// <param name="seed">The seed of λ and π.</param>
    /// <exception cref="ArgumentOutOfRangeException">α or the class count is out of range.</exception>
    protected BatchMixer(double alpha, int classCount, ulong seed)
    {
        if (!(alpha > 0 && double.IsFinite(alpha))) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"alpha must be positive and finite, was {alpha}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        Alpha = alpha;
        ClassCount = classCount;
        _rng = new Rng(seed);
    }

    /// <summary>α of the Beta(α, α) distribution of λ.</summary>
    public double Alpha { get; }

    /// <summary>The number of classes of the soft targets.</summary>
    public int ClassCount { get; }

    /// <summary>The weight λ of the original examples in the last mix.</summary>
    public double LastLambda { get; private set; } = double.NaN;

    /// <summary>The permutation π of the last mix: example i was mixed with example π(i).</summary>
    public ReadOnlySpan<int> LastPermutation => _permutation;

    /// <summary>The state of the generator of λ and π (see <see cref="Rng.GetState"/>), to save it in a checkpoint.</summary>
    public ulong[] GetRngState() => _rng.GetState();

    /// <summary>Restores the generator to a state captured by <see cref="GetRngState"/>: the next mixes are the ones that followed it.</summary>
    /// <param name="state">The words of the state.</param>
    /// <exception cref="ArgumentException">The state is not a valid <see cref="Rng"/> state.</exception>
    public void SetRngState(ReadOnlySpan<ulong> state) => _rng.SetState(state);

    /// <summary>
    /// Returns the mixed batch; <see cref="Batch.Labels"/> are the original labels, and inputs and targets are the
    /// mixer's buffers, overwritten by the next call.
    /// </summary>
    /// <param name="batch">A batch with class indices, or with class probabilities <c>[N, ClassCount]</c>.</param>
    /// <exception cref="ArgumentException">The batch holds regression or multi-label targets, a label is not a class, or
    /// the probability targets are not <c>[N, ClassCount]</c>.</exception>
    public Batch Mix(Batch batch)
    {
        int n = batch.Count;
        var y = Targets(batch);
        if (_permutation.Length != n) _permutation = new int[n];
        for (int i = 0; i < n; i++) _permutation[i] = i;
        double lambda = BetaSampler.Symmetric(_rng, Alpha);
        _rng.Shuffle(_permutation.AsSpan());

        if (_inputs is null || _inputs.Shape != batch.Inputs.Shape) _inputs = Tensor.Zeros(batch.Inputs.Shape);
        lambda = MixInputs(batch.Inputs.Span, _inputs.Span, n, lambda, _permutation, _rng);
        LastLambda = lambda;

        Span<float> t = y.Span;
        if (_targets is null || _targets.Shape[0] != n) _targets = Tensor.Zeros(n, ClassCount);
        Span<float> mixed = _targets.Span;
        float a = (float)lambda, b = (float)(1 - lambda);
        for (int i = 0; i < n; i++)
        {
            int j = _permutation[i];
            for (int c = 0; c < ClassCount; c++) mixed[i * ClassCount + c] = a * t[i * ClassCount + c] + b * t[j * ClassCount + c];
        }
        return batch with { Inputs = _inputs, Targets = _targets, TargetKind = TargetKind.ClassProbabilities };
    }

    /// <summary>
    /// Writes the mixed inputs of the <paramref name="count"/> examples into <paramref name="destination"/> and returns
    /// the weight λ of the original examples in the targets (the drawn λ, or the one the mix actually used).
    /// </summary>
    /// <param name="source">The batch's inputs, example after example.</param>
    /// <param name="destination">The mixed inputs, of the same length.</param>
    /// <param name="count">The number of examples.</param>
    /// <param name="lambda">λ drawn from Beta(α, α).</param>
    /// <param name="permutation">π: example i is mixed with example π(i).</param>
    /// <param name="rng">The mixer's generator, for any further random choice.</param>
    protected abstract double MixInputs(ReadOnlySpan<float> source, Span<float> destination, int count, double lambda,
        ReadOnlySpan<int> permutation, Rng rng);

    private Tensor Targets(Batch batch)
    {
        int n = batch.Count;
        if (batch.Targets is { } given && batch.TargetKind == TargetKind.ClassProbabilities)
        {
            if (given.Rank != 2 || given.Shape[0] != n || given.Shape[1] != ClassCount)
            {
                throw new ArgumentException($"{GetType().Name}: probability targets {given.Shape} do not fit [{n}, {ClassCount}].", nameof(batch));
            }
            return given;
        }
        if (batch.Targets is not null && batch.TargetKind != TargetKind.ClassIndices)
        {
            throw new ArgumentException($"{GetType().Name} mixes class labels or class probabilities, not {batch.TargetKind} targets.", nameof(batch));
        }
        var oneHot = Tensor.Zeros(n, ClassCount);
        Span<float> h = oneHot.Span;
        for (int i = 0; i < n; i++)
        {
            int label = batch.Labels[i];
            if ((uint)label >= (uint)ClassCount)
            {
                throw new ArgumentException($"{GetType().Name}: label {i} is {label}; classes are 0..{ClassCount - 1}.", nameof(batch));
            }
            h[i * ClassCount + label] = 1f;
        }
        return oneHot;
    }
}
