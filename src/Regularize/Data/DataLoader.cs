using System.Collections;
using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// Cuts a dataset into mini-batches, in a seeded shuffled order that changes every epoch, into
/// buffers it reuses: after the first epoch, iterating allocates nothing.
/// </summary>
/// <remarks>
/// <para><b>Iteration.</b> <c>foreach (Batch b in loader)</c> yields the remaining batches of the current
/// epoch and then moves the loader to the next epoch, so one <c>foreach</c> is one epoch (the rest of one,
/// after <see cref="SetState"/> restored a mid-epoch position). <see cref="Next"/> gives batches endlessly
/// for step-counted loops.</para>
/// <para><b>Buffers.</b> A batch's <see cref="Batch.Inputs"/> and <see cref="Batch.Labels"/> are the loader's
/// own buffers and are overwritten by the next batch.</para>
/// <para><b>Order.</b> Epoch <c>e</c>'s order is a Fisher–Yates shuffle of <c>0..N−1</c> drawn from an
/// <see cref="Rng"/> whose state <c>S_e</c> is fixed by the seed and <c>e</c> alone: <c>S_0</c> is the state
/// <c>new Rng(seed)</c> starts in, and <c>S_{e+1}</c> is four SplitMix64 outputs from a fold of <c>S_e</c>'s
/// words. The order of an epoch does not depend on how earlier epochs were consumed, and the state
/// (<see cref="DataLoaderState"/>) holds <c>S_e</c>, so a restored loader reproduces the current epoch and
/// every later one.</para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly IDataset _dataset;
    private readonly int[] _order;
    private readonly Rng _rng = new(0);
    private readonly int[] _batchShapeTail;
    private ulong _s0, _s1, _s2, _s3; // S_Epoch: the generator state at the start of the current epoch
    private Tensor? _fullInputs, _partialInputs, _fullTargets, _partialTargets;
    private int[]? _fullLabels, _partialLabels;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="batchSize">The number of examples per batch; positive.</param>
    /// <param name="shuffle">True to visit the examples in a new seeded random order each epoch; false for index order.</param>
    /// <param name="seed">The seed of the shuffling order.</param>
    /// <param name="dropLast">True to skip a final batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="augmentation">Random transforms applied to every example as batches are filled (see
    /// <see cref="Data.Augmentation"/>), or null; their draws follow from the loader's state, so resuming stays exact.</param>
    /// <exception cref="ArgumentException">The batch size is not positive, the dataset is empty,
    /// <paramref name="dropLast"/> is set and the dataset is smaller than one batch, or the augmentation's image size
    /// differs from the dataset's examples.</exception>
    public DataLoader(IDataset dataset, int batchSize, bool shuffle = true, ulong seed = 0, bool dropLast = false,
        Augmentation? augmentation = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        }
        if (dataset.Count <= 0)
        {
            throw new ArgumentException("The dataset is empty.", nameof(dataset));
        }
        if (dropLast && dataset.Count < batchSize)
        {
            throw new ArgumentException(
                $"With dropLast, a dataset of {dataset.Count} examples gives no batch of {batchSize}.", nameof(dropLast));
        }
        if (augmentation is not null && augmentation.ExampleLength != dataset.SampleShape.Length)
        {
            throw new ArgumentException(
                $"The augmentation works on {augmentation.Channels}×{augmentation.Height}×{augmentation.Width} images, but the dataset's examples have shape {dataset.SampleShape}.",
                nameof(augmentation));
        }
        _dataset = dataset;
        Augmentation = augmentation;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        _order = new int[dataset.Count];
        _batchShapeTail = dataset.SampleShape.ToArray();
        ulong[] s = new Rng(seed).GetState();
        StartEpoch(0, s[0], s[1], s[2], s[3]);
    }

    /// <summary>The dataset being batched.</summary>
    public IDataset Dataset => _dataset;

    /// <summary>The transforms applied to each example, or null.</summary>
    public Augmentation? Augmentation { get; }

    /// <summary>The number of examples in a full batch.</summary>
    public int BatchSize { get; }

    /// <summary>True when each epoch visits the examples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>True when a final batch smaller than <see cref="BatchSize"/> is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches in a whole epoch (see <see cref="CountBatches"/>).</summary>
    public int BatchesPerEpoch => CountBatches(_order.Length, BatchSize, DropLast);

    /// <summary>
    /// The number of batches an epoch of <paramref name="examples"/> examples gives: ⌈n / b⌉, or ⌊n / b⌋ with
    /// <paramref name="dropLast"/>. A batch size larger than the dataset gives one batch (none with dropLast).
    /// </summary>
    /// <param name="examples">The number of examples; not negative.</param>
    /// <param name="batchSize">The number of examples per batch; positive, up to <see cref="int.MaxValue"/>.</param>
    /// <param name="dropLast">True to leave out a final batch smaller than <paramref name="batchSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="examples"/> is negative or <paramref name="batchSize"/> is not positive.</exception>
    public static int CountBatches(int examples, int batchSize, bool dropLast)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(examples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // (n + b − 1) / b overflows for b near int.MaxValue; this form cannot.
        return dropLast || examples == 0 ? examples / batchSize : (examples - 1) / batchSize + 1;
    }

    /// <summary>The epoch the next batch comes from, counting from 0.</summary>
    public int Epoch { get; private set; }

    /// <summary>How many examples of the current epoch have been delivered.</summary>
    public int Position { get; private set; }

    /// <summary>The current epoch's order: the dataset indices in the order they are delivered.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>
    /// Gives the next batch of the current epoch, or, when the epoch has none left, moves to the next epoch
    /// and returns false.
    /// </summary>
    /// <param name="batch">The batch; its buffers are overwritten by the next call.</param>
    public bool TryNext(out Batch batch)
    {
        int remaining = _order.Length - Position;
        int count = Math.Min(BatchSize, remaining);
        if (count == 0 || (DropLast && count < BatchSize))
        {
            NextEpoch();
            batch = default;
            return false;
        }

        Tensor inputs;
        int[] labels;
        if (count == BatchSize)
        {
            inputs = _fullInputs ??= NewInputs(count);
            labels = _fullLabels ??= new int[count];
            if (_dataset is ITargetDataset) _fullTargets ??= NewTargets(count);
        }
        else
        {
            if (_partialLabels is null || _partialLabels.Length != count)
            {
                _partialInputs = NewInputs(count);
                _partialLabels = new int[count];
                if (_dataset is ITargetDataset) _partialTargets = NewTargets(count);
            }
            inputs = _partialInputs!;
            labels = _partialLabels;
        }

        Span<float> x = inputs.Span;
        int d = x.Length / count;
        for (int i = 0; i < count; i++)
        {
            labels[i] = _dataset.Get(_order[Position + i], x.Slice(i * d, d));
        }
        if (Augmentation is { } augment)
        {
            // Keyed by the epoch's state and the position in it: a restored loader draws the same transforms.
            ulong epochKey = _s0 ^ ulong.RotateLeft(_s1, 17) ^ ulong.RotateLeft(_s2, 31) ^ ulong.RotateLeft(_s3, 47);
            for (int i = 0; i < count; i++) augment.Apply(x.Slice(i * d, d), epochKey, (ulong)(Position + i));
        }
        if (_dataset is ITargetDataset targetDataset)
        {
            Tensor targets = count == BatchSize ? _fullTargets! : _partialTargets!;
            Span<float> t = targets.Span;
            int k = t.Length / count;
            for (int i = 0; i < count; i++) targetDataset.GetTargets(_order[Position + i], t.Slice(i * k, k));
            batch = new Batch(inputs, labels, count, Epoch, Position / BatchSize, targets, targetDataset.TargetKind);
        }
        else
        {
            batch = new Batch(inputs, labels, count, Epoch, Position / BatchSize);
        }
        Position += count;
        return true;
    }

    /// <summary>Gives the next batch, moving on to the next epoch when the current one is finished.</summary>
    /// <returns>The batch; its buffers are overwritten by the next call.</returns>
    public Batch Next()
    {
        if (TryNext(out Batch batch) || TryNext(out batch)) return batch;
        throw new InvalidOperationException("A new epoch gave no batch."); // unreachable: the constructor ensures one batch per epoch
    }

    /// <summary>Captures the loader's position, to resume it later with <see cref="SetState"/>.</summary>
    public DataLoaderState GetState() => new(Epoch, Position, [_s0, _s1, _s2, _s3]);

    /// <summary>
    /// Restores a position captured by <see cref="GetState"/> (for the same dataset size): the next batch
    /// is the one that would have followed when the state was captured.
    /// </summary>
    /// <param name="state">The captured state.</param>
    /// <exception cref="ArgumentException">The epoch is negative, the position is outside the dataset, or the
    /// generator state is not four words, not all zero.</exception>
    public void SetState(DataLoaderState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.RngState, nameof(state.RngState));
        if (state.Epoch < 0)
        {
            throw new ArgumentException($"DataLoaderState: epoch {state.Epoch} is negative.", nameof(state));
        }
        if (state.Position < 0 || state.Position > _order.Length)
        {
            throw new ArgumentException(
                $"DataLoaderState: position {state.Position} is outside a dataset of {_order.Length} examples.", nameof(state));
        }
        ulong[] s = state.RngState;
        if (s.Length != 4 || (s[0] | s[1] | s[2] | s[3]) == 0)
        {
            throw new ArgumentException("DataLoaderState: the generator state must be four words, not all zero.", nameof(state));
        }
        StartEpoch(state.Epoch, s[0], s[1], s[2], s[3]);
        Position = state.Position;
    }

    /// <summary>Iterates over the rest of the current epoch, then moves to the next epoch.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Batch> IEnumerable<Batch>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Iterates over the rest of a loader's current epoch without allocating.</summary>
    public struct Enumerator : IEnumerator<Batch>
    {
        private readonly DataLoader _loader;
        private Batch _current;

        internal Enumerator(DataLoader loader)
        {
            _loader = loader;
            _current = default;
        }

        /// <summary>The current batch.</summary>
        public readonly Batch Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Fills the next batch; false, and the loader moved to the next epoch, when the epoch is over.</summary>
        public bool MoveNext() => _loader.TryNext(out _current);

        /// <summary>Not supported: an epoch cannot be restarted.</summary>
        public readonly void Reset() => throw new NotSupportedException("A DataLoader epoch cannot be restarted; use SetState.");

        /// <summary>Does nothing.</summary>
        public readonly void Dispose() { }
    }

    private Tensor NewInputs(int count)
    {
        var dims = new int[1 + _batchShapeTail.Length];
        dims[0] = count;
        _batchShapeTail.CopyTo(dims, 1);
        return Tensor.Zeros(dims);
    }

    private Tensor NewTargets(int count)
    {
        int[] tail = ((ITargetDataset)_dataset).TargetShape.ToArray();
        return Tensor.Zeros([count, .. tail]);
    }

    private void NextEpoch()
    {
        // S_{e+1}: SplitMix64 outputs from a fold of S_e's words.
        ulong x = _s0 ^ ulong.RotateLeft(_s1, 16) ^ ulong.RotateLeft(_s2, 32) ^ ulong.RotateLeft(_s3, 48);
        ulong a = SplitMix(ref x), b = SplitMix(ref x), c = SplitMix(ref x), d = SplitMix(ref x);
        if ((a | b | c | d) == 0) a = 1; // xoshiro's one forbidden state; never met in practice
        StartEpoch(checked(Epoch + 1), a, b, c, d);
    }

    private void StartEpoch(int epoch, ulong s0, ulong s1, ulong s2, ulong s3)
    {
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
        Epoch = epoch;
        Position = 0;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle)
        {
            _rng.SetState([s0, s1, s2, s3]);
            _rng.Shuffle(_order.AsSpan());
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
