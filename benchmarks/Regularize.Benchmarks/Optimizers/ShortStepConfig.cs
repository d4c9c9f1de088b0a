using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>A short in-process job: one launch, two warm-ups, five iterations, so a class runs in minutes.</summary>
public sealed class ShortStepConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ShortStepConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithId("short"));
    }
}
