namespace Regularize.Tensors;

/// <summary>
/// A per-thread store of float arrays, bucketed by exact length, that <see cref="TensorScope"/> rents op results
/// from and returns them to. Bounded: past <see cref="MaxRetainedBytes"/> per thread, returned arrays are dropped
/// for the garbage collector.
/// </summary>
internal static class TensorPool
{
    /// <summary>The most memory one thread's pool keeps for reuse.</summary>
    public const long MaxRetainedBytes = 512L << 20;

    [ThreadStatic]
    private static Dictionary<int, Stack<float[]>>? t_buckets;

    [ThreadStatic]
    private static long t_retainedBytes;

    public static float[] Rent(int length)
    {
        if (length == 0) return [];
        var buckets = t_buckets;
        if (buckets is not null && buckets.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            t_retainedBytes -= 4L * length;
            return stack.Pop();
        }
        return GC.AllocateUninitializedArray<float>(length);
    }

    public static void Return(float[] array)
    {
        if (array.Length == 0 || t_retainedBytes + 4L * array.Length > MaxRetainedBytes) return;
        var buckets = t_buckets ??= new Dictionary<int, Stack<float[]>>();
        if (!buckets.TryGetValue(array.Length, out var stack))
        {
            stack = new Stack<float[]>();
            buckets.Add(array.Length, stack);
        }
        stack.Push(array);
        t_retainedBytes += 4L * array.Length;
    }

    /// <summary>Drops everything this thread's pool holds.</summary>
    public static void Clear()
    {
        t_buckets = null;
        t_retainedBytes = 0;
    }
}
