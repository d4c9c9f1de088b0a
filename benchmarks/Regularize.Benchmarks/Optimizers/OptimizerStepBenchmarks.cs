using BenchmarkDotNet.Attributes;
using Regularize.Benchmarks.Hardware;

namespace Regularize.Benchmarks.Optimizers;

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
        if (_work.BytesPerElement == 20) _probe.Momentum(Threads);
        else _probe.Adam(Threads);
    }
}
