using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Regularize.Benchmarks.Convolution;

/// <summary>A short in-process job (3 warm-ups, 5 measured iterations) with allocated bytes per call.</summary>
public sealed class ConvolutionConfig : ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public ConvolutionConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
