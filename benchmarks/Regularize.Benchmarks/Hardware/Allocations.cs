namespace Regularize.Benchmarks.Hardware;

/// <summary>Managed bytes allocated by a piece of work, for the guards' "allocates nothing" checks.</summary>
public static class Allocations
{
    /// <summary>
    /// Runs <paramref name="work"/> up to <paramref name="tries"/> times (stopping at the first run that allocates
    /// nothing) and returns the fewest bytes any run allocated: other threads of the process may allocate during
    /// one run, so the least is the work's own. Warm the work up before calling.
    /// </summary>
    public static long Least(Action work, int tries = 3)
    {
        long least = long.MaxValue;
        for (int i = 0; i < tries && least > 0; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            work();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        return least;
    }
}
