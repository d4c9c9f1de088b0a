using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Regularize.Benchmarks.Hardware;

/// <summary>
/// The FMA throughput ceiling of one core: a register-only loop of <c>Vector256</c> fused multiply-adds over
/// 12 independent accumulators (two FMA pipes × four cycles latency need at least 8 in flight), no loads or
/// stores. Each iteration is 12 FMAs × 8 lanes × 2 flops = 192 flops.
/// </summary>
public static class FmaPeakLoop
{
    /// <summary>Floating-point operations per loop iteration.</summary>
    public const int FlopsPerIteration = 12 * 8 * 2;

    /// <summary>Runs <paramref name="iterations"/> iterations; returns a value that depends on every accumulator.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run(long iterations)
    {
        if (!Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("FmaPeakLoop needs FMA (AVX2-class) hardware.");
        }
        // x·acc + y converges to y / (1 − x): the values stay finite and normal for any iteration count.
        Vector256<float> x = Vector256.Create(0.999f), y = Vector256.Create(1e-3f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = Vector256.Create(2f), a2 = Vector256.Create(3f);
        Vector256<float> a3 = Vector256.Create(4f), a4 = Vector256.Create(5f), a5 = Vector256.Create(6f);
        Vector256<float> a6 = Vector256.Create(7f), a7 = Vector256.Create(8f), a8 = Vector256.Create(9f);
        Vector256<float> a9 = Vector256.Create(10f), a10 = Vector256.Create(11f), a11 = Vector256.Create(12f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, x, y);
            a1 = Fma.MultiplyAdd(a1, x, y);
            a2 = Fma.MultiplyAdd(a2, x, y);
            a3 = Fma.MultiplyAdd(a3, x, y);
            a4 = Fma.MultiplyAdd(a4, x, y);
            a5 = Fma.MultiplyAdd(a5, x, y);
            a6 = Fma.MultiplyAdd(a6, x, y);
            a7 = Fma.MultiplyAdd(a7, x, y);
            a8 = Fma.MultiplyAdd(a8, x, y);
            a9 = Fma.MultiplyAdd(a9, x, y);
            a10 = Fma.MultiplyAdd(a10, x, y);
            a11 = Fma.MultiplyAdd(a11, x, y);
        }
        Vector256<float> sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector256.Sum(sum);
    }

    /// <summary>
    /// Measures GFLOP/s with <paramref name="threads"/> threads each running the loop at once: the best of
    /// <paramref name="repeats"/> runs of about <paramref name="seconds"/> each.
    /// </summary>
    public static double MeasureGflops(int threads, int repeats = 5, double seconds = 0.2)
    {
        // Calibrate the iteration count on one thread.
        Run(1_000_000);
        long iterations = 1_000_000;
        var watch = Stopwatch.StartNew();
        Run(iterations);
        double perIteration = watch.Elapsed.TotalSeconds / iterations;
        iterations = Math.Max(1_000_000, (long)(seconds / perIteration));

        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    Run(iterations);
                });
                workers[t].Start();
            }
            start.SignalAndWait();
            watch.Restart();
            foreach (Thread w in workers)
            {
                w.Join();
            }
            double elapsed = watch.Elapsed.TotalSeconds;
            best = Math.Max(best, (double)threads * iterations * FlopsPerIteration / elapsed / 1e9);
        }
        return best;
    }
}
