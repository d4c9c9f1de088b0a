namespace Regularize.Tensors.Kernels;

/// <summary>
/// Runs independent items (planes of an image batch, channels) on up to <see cref="ThreadLimit.Current"/> (the public <c>Parallelism</c> limit)
/// threads, as contiguous ranges. Each item is computed by one thread in full, so results never depend on the
/// thread count.
/// </summary>
internal static class ParallelRanges
{
    /// <summary>Below this many element operations in total, work stays on the calling thread.</summary>
    public const long Threshold = 1 << 16;

    /// <summary>Calls <paramref name="body"/>(start, end) on ranges that cover <c>[0, count)</c> once.</summary>
    public static void Run(int count, long work, Action<int, int> body) =>
        Run(count, work, body, static (body, start, end) => body(start, end));

    /// <summary>
    /// Calls <paramref name="body"/>(<paramref name="state"/>, start, end) on ranges that cover <c>[0, count)</c> once.
    /// With a static lambda and the data in <paramref name="state"/>, a call that stays on one thread allocates nothing.
    /// </summary>
    public static void Run<TState>(int count, long work, TState state, Action<TState, int, int> body)
    {
        int max = ThreadLimit.Current;
        int threads = Math.Min(count, max == -1 ? Environment.ProcessorCount : max);
        if (threads <= 1 || work < Threshold)
        {
            body(state, 0, count);
            return;
        }
        Split(count, threads, state, body);
    }

    /// <summary>
    /// Calls <paramref name="body"/>(<paramref name="state"/>, i) once for each i in <c>[0, count)</c>, on up to
    /// <paramref name="threads"/> threads (in order on the calling thread when it is 1). As with
    /// <see cref="Run{TState}"/>, a static body allocates nothing on one thread.
    /// </summary>
    public static void Each<TState>(int count, int threads, TState state, Action<TState, int> body)
    {
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++) body(state, i);
            return;
        }
        EachParallel(count, threads, state, body);
    }

    private static void EachParallel<TState>(int count, int threads, TState state, Action<TState, int> body) =>
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => body(state, i));

    // Apart from Run, so that only a call that goes parallel allocates the closure.
    private static void Split<TState>(int count, int threads, TState state, Action<TState, int, int> body)
    {
        // A few ranges per thread, so one slowed down by other work hands its share to the others.
        int parts = Math.Min(count, threads * 4);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads },
            p => body(state, (int)((long)count * p / parts), (int)((long)count * (p + 1) / parts)));
    }
}
