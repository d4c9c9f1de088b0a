using BenchmarkDotNet.Attributes;
using Regularize.Benchmarks.Hardware;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// <c>Step()</c> of a torch-family optimizer (NAdam, RAdam, Rprop, Asgd) in one tensor, with 1 and 2 threads, against its
/// scalar path (the baseline) and the memory-bandwidth probe moving the same bytes per element
/// (<see cref="Bandwidth"/>: 28 B with <see cref="MemoryBandwidth.Adam"/>, 20 B with <see cref="MemoryBandwidth.Momentum"/>).
/// Fraction of bandwidth = Bandwidth time / Step time. Self-contained until the step benchmarks take a list of
/// optimizers with their traffic.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortStepConfig))]
public abstract class TorchFamilyStepBenchmarks
{
    private Parameter[] _parameters = [];
    private Optimizer _optimizer = null!, _scalar = null!;
    private MemoryBandwidth _probe = null!;

    /// <summary>Total parameter count (odd, so never a multiple of the vector width).</summary>
    [Params(1_000_003, 16_000_001)]
    public int Parameters { get; set; }

    /// <summary>Threads for the step and the probe.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The optimizer over <paramref name="parameters"/>.</summary>
    protected abstract Optimizer Create(Parameter[] parameters);

    /// <summary>Bytes read and written per parameter element: 28 (four arrays read, three written) or 20 (three read, two written).</summary>
    protected abstract int BytesPerElement { get; }

    /// <summary>Builds the parameter, its gradient, the state (eight steps: RAdam with β₂ = 0.9 is rectified from t = 6, Asgd with t₀ = 0 averages from t = 3) and the probe.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _parameters = [new Parameter(Tensor.Full(0.5f, Parameters), "layers.0.weight") { Grad = Tensor.Full(1e-3f, Parameters) }];
        _optimizer = Create(_parameters);
        _optimizer.MaxDegreeOfParallelism = Threads;
        _scalar = Create(_parameters);
        _scalar.MaxDegreeOfParallelism = 1;
        _scalar.ScalarOnly = true;
        for (int i = 0; i < 8; i++)
        {
            _optimizer.Step();
            _scalar.Step();
        }
        _probe = new MemoryBandwidth(Parameters);
    }

    /// <summary>The scalar path, one thread.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step();

    /// <summary>The optimizer's step: gradient check, plan, then the fused SIMD pass.</summary>
    [Benchmark]
    public void Step() => _optimizer.Step();

    /// <summary>The probe moving the same bytes with the same thread count.</summary>
    [Benchmark]
    public void Bandwidth()
    {
        if (BytesPerElement == 20) _probe.Momentum(Threads);
        else _probe.Adam(Threads);
    }
}
