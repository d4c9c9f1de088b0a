using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace Regularize.Benchmarks.Hardware;

/// <summary>
/// The single-core and all-core FMA ceiling that <c>MatMul</c> results are a fraction of. One operation is one
/// loop iteration (192 flops), so GFLOP/s = 192 / (ns per op) × threads.
/// </summary>
[SimpleJob(RuntimeMoniker.HostProcess, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class FmaPeak
{
    private const long Iterations = 10_000_000;

    /// <summary>One thread: GFLOP/s = 192 × 10⁷ / time.</summary>
    [Benchmark(OperationsPerInvoke = (int)Iterations)]
    public float SingleThread() => FmaPeakLoop.Run(Iterations);

    /// <summary>Every core at once, each running the same loop: GFLOP/s = 192 × 10⁷ × cores / time.</summary>
    [Benchmark(OperationsPerInvoke = (int)Iterations)]
    public float AllCores()
    {
        float sum = 0;
        Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            _ =>
            {
                float r = FmaPeakLoop.Run(Iterations);
                lock (this)
                {
                    sum += r;
                }
            });
        return sum;
    }
}
