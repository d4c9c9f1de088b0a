using BenchmarkDotNet.Attributes;
using Regularize.Benchmarks.Hardware;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Optimizers;

/// <summary>
/// <c>Step()</c> of one of the paper optimizers (Lars, ScheduleFreeAdamW, Adafactor) on about 16M parameters in
/// 1 or 200 matrices of 1,001 columns (odd, so rows never align with the vector width), with 1 and 2 threads,
/// against the scalar path (<see cref="Scalar"/>, the baseline) and the bandwidth probe (<see cref="Bandwidth"/>,
/// the Adam stream pattern: 28 bytes per element). Fraction of bandwidth =
/// (Bandwidth time × <see cref="BytesPerElement"/> / 28) / Step time. Self-contained until the shared step
/// benchmark takes a list of optimizers with their traffic.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortStepConfig))]
public abstract class PaperOptimizerStepBenchmarks
{
    private const int Columns = 1001;
    private Optimizer _step = null!, _scalar = null!;
    private MemoryBandwidth _probe = null!;

    /// <summary>How many matrices the ~16M parameters are split into.</summary>
    [Params(1, 200)]
    public int Tensors { get; set; }

    /// <summary>Threads for the step and the probe.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Bytes a step reads and writes per parameter element.</summary>
    protected abstract int BytesPerElement { get; }

    /// <summary>The optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    protected abstract Optimizer Create(Parameter[] parameters);

    /// <summary>Builds parameters, gradients, state and the probe.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int rows = Math.Max(1, 16_000_000 / Columns / Tensors);
        var ps = new Parameter[Tensors];
        for (int k = 0; k < Tensors; k++)
            ps[k] = new Parameter(Tensor.RandomNormal([rows, Columns], 0f, 0.5f, seed: (ulong)k), $"layers.{k}.weight") { Grad = Tensor.RandomNormal([rows, Columns], 0f, 1e-3f, seed: (ulong)(k + 1000)) };
        _step = Create(ps);
        _step.MaxDegreeOfParallelism = Threads;
        _step.Step();
        _scalar = Create(ps);
        _scalar.MaxDegreeOfParallelism = 1;
        _scalar.ScalarOnly = true;
        _scalar.Step();
        _probe = new MemoryBandwidth(rows * Columns * Tensors);
    }

    /// <summary>The scalar path, one thread.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step();

    /// <summary>The optimizer's step.</summary>
    [Benchmark]
    public void Step() => _step.Step();

    /// <summary>The probe moving 28 bytes per element with the same thread count.</summary>
    [Benchmark]
    public void Bandwidth() => _probe.Adam(Threads);
}
