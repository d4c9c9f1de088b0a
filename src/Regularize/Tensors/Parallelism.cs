using Regularize.Tensors.Kernels;

namespace Regularize.Tensors;

/// <summary>
/// How many threads tensor kernels (the matrix multiply) may use. Results never depend on it: work is split over
/// blocks of the output, never over a reduction, so one thread and many give the same bits.
/// </summary>
/// <remarks>
/// <see cref="DefaultMaxDegreeOfParallelism"/> applies to the whole process (like <c>torch.set_num_threads</c>);
/// <see cref="Limit"/> overrides it on one thread for a scope, e.g. one single-threaded trial per core in a sweep.
/// </remarks>
public static class Parallelism
{
    /// <summary>The process-wide limit: -1 for all cores, or a positive thread count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below -1.</exception>
    public static int DefaultMaxDegreeOfParallelism
    {
        get => ThreadLimit.Default;
        set => ThreadLimit.Default = Check(value);
    }

    /// <summary>The limit in force on this thread: its <see cref="Limit"/> scope if one is open, else the default.</summary>
    public static int MaxDegreeOfParallelism => ThreadLimit.Current;

    /// <summary>Limits kernels started from this thread to <paramref name="maxDegreeOfParallelism"/> threads until the scope is disposed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below -1.</exception>
    public static LimitScope Limit(int maxDegreeOfParallelism)
    {
        int previous = ThreadLimit.Override;
        ThreadLimit.Override = Check(maxDegreeOfParallelism);
        return new LimitScope(previous);
    }

    private static int Check(int value) => value == -1 || value >= 1
        ? value
        : throw new ArgumentOutOfRangeException(nameof(value), value, $"maxDegreeOfParallelism must be -1 (all cores) or >= 1, was {value}.");

    /// <summary>Restores the previous limit of this thread when disposed.</summary>
    public readonly struct LimitScope : IDisposable
    {
        private readonly int _previous;

        internal LimitScope(int previous) => _previous = previous;

        /// <summary>Ends the scope.</summary>
        public void Dispose() => ThreadLimit.Override = _previous;
    }
}
