using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Regularize.Benchmarks.MatMul;

/// <summary>
/// A short in-process job (3 warm-ups, 5 measured iterations) so the whole matrix-multiply suite runs in a few
/// minutes, with GFLOP/s, percentage of FMA peak and allocated bytes per multiply.
/// </summary>
public sealed class MatMulConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public MatMulConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(new GflopsColumn(fractionOfPeak: false), new GflopsColumn(fractionOfPeak: true));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
