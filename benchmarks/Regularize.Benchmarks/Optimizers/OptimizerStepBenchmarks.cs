using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Regularize.Benchmarks.Hardware;

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

/// <summary>
/// <c>Step()</c> of one optimizer on 1M, 16M and 64M parameters in one tensor and in 200 tensors, with 1 and
/// 2 threads, against the scalar path (<see cref="Scalar"/>, the baseline) and the memory-bandwidth probe
/// moving the same bytes (<see cref="Bandwidth"/>). Fraction of bandwidth = Bandwidth time / Step time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortStepConfig))]
public abstract class OptimizerStepBenchmarks
{
    private StepWorkload _work = null!;
    private MemoryBandwidth _probe = null!;

    /// <summary>Total parameter count (odd, so never a multiple of the vector width).</summary>
    [Params(1_000_003, 16_000_001, 64_000_001)]
    public int Parameters { get; set; }

    /// <summary>How many tensors the parameters are split into.</summary>
    [Params(1, 200)]
    public int Tensors { get; set; }

    /// <summary>Threads for the step and the probe.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Sgd, Adam or AdamW.</summary>
    protected abstract string Optimizer { get; }

    /// <summary>Builds parameters, gradients, state and the probe.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _work = new StepWorkload(Optimizer, Parameters, Tensors, Threads);
        _probe = new MemoryBandwidth((int)_work.Elements);
    }

    /// <summary>The scalar path, one thread.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _work.ScalarStep();

    /// <summary>The optimizer's step: finiteness check, then the fused SIMD pass.</summary>
    [Benchmark]
    public void Step() => _work.Optimizer.Step();

    /// <summary>The probe moving the same bytes with the same thread count.</summary>
    [Benchmark]
    public void Bandwidth()
    {
        if (Optimizer == "Sgd") _probe.Momentum(Threads);
        else _probe.Adam(Threads);
    }
}

/// <summary>SGD with momentum 0.9: reads θ, g, b; writes θ, b.</summary>
public class SgdStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Sgd";
}

/// <summary>Adam with coupled L2: reads θ, g, m, v; writes θ, m, v.</summary>
public class AdamStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "Adam";
}

/// <summary>AdamW with decoupled decay: reads θ, g, m, v; writes θ, m, v.</summary>
public class AdamWStepBenchmarks : OptimizerStepBenchmarks
{
    /// <inheritdoc/>
    protected override string Optimizer => "AdamW";
}
