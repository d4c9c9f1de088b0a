using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Regularize.Benchmarks.Hardware;

/// <summary>
/// The CPU time the calling thread has run (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), in seconds. On a machine shared by
/// many processes a single-threaded kernel's wall time includes the time slices others took; its CPU time does not,
/// so a ratio of two CPU times measured on one thread (a kernel against the FMA loop) stays meaningful when the
/// machine is oversubscribed. Falls back to the wall clock elsewhere.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Whether the thread CPU clock is available (else <see cref="Now"/> is the wall clock).</summary>
    public static bool IsCpuTime { get; } = OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out _) == 0;

    /// <summary>The calling thread's CPU time in seconds (or a wall-clock reading when <see cref="IsCpuTime"/> is false).</summary>
    public static double Now()
    {
        if (IsCpuTime && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    /// <summary>The least CPU time of one call of <paramref name="work"/> on this thread over runs totalling about <paramref name="budget"/> CPU seconds (at least 3).</summary>
    public static double Least(Action work, double budget)
    {
        work();
        double start = Now(), best = double.MaxValue;
        for (int runs = 0; runs < 3 || Now() - start < budget; runs++)
        {
            double t0 = Now();
            work();
            best = Math.Min(best, Now() - t0);
        }
        return best;
    }
}
