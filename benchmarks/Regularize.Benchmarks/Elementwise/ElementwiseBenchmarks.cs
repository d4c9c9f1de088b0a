using BenchmarkDotNet.Attributes;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Benchmarks.Elementwise;

/// <summary>
/// Elementwise kernels against a copy that moves the same bytes, in the same process: the baseline ratio is the
/// fraction of the memory bandwidth the op reaches (1.00 = as fast as a copy of equal traffic). A binary op reads
/// two arrays and writes one (3 streams), so its baseline copies 1.5 N floats (3 N floats of traffic); a unary op
/// reads one and writes one, like a copy of N floats. Sizes are not multiples of any vector width.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ElementwiseBenchmarks
{
    private float[] _x = [], _y = [], _d = [], _copySource = [], _copyDestination = [];
    private Tensor _matrix = null!, _row = null!, _out = null!;

    /// <summary>Elements per operand: 1M (fits L3 on this machine's 32 MiB) and 16M (memory-bound).</summary>
    [Params(1_000_003, 16_000_001)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = Tensor.RandomNormal([N], seed: 1).ToArray();
        _y = Tensor.RandomNormal([N], seed: 2).ToArray();
        _d = new float[N];
        _copySource = new float[N + N / 2];
        _copyDestination = new float[N + N / 2];
        int cols = 1000;
        _matrix = Tensor.RandomNormal([N / cols, cols], seed: 3);
        _row = Tensor.RandomNormal([cols], seed: 4);
        _out = Tensor.Zeros(N / cols, cols);
    }

    /// <summary>The bandwidth probe: copy 1.5 N floats, the traffic of one binary op.</summary>
    [Benchmark(Baseline = true)]
    public void CopySameTrafficAsBinary() => _copySource.AsSpan().CopyTo(_copyDestination);

    [Benchmark]
    public void Add() => AddOperator.Invoke(_x, _y, _d);

    [Benchmark]
    public void Multiply() => MultiplyOperator.Invoke(_x, _y, _d);

    [Benchmark]
    public void Maximum() => MaximumOperator.Invoke(_x, _y, _d);

    /// <summary>Row broadcast <c>[N/1000, 1000] + [1000]</c>: the shape of a bias add (traffic ≈ 2 N floats).</summary>
    [Benchmark]
    public void BroadcastRowAdd() => BinaryKernelAccess.Add(_matrix, _row, _out);

    /// <summary>Unary ops move 2 N floats: compare with the N-float copy below.</summary>
    [Benchmark]
    public void CopySameTrafficAsUnary() => _x.AsSpan().CopyTo(_d);

    [Benchmark]
    public void Relu() => TensorPrimitives.Max(_x, 0f, _d);

    [Benchmark]
    public void Sign() => SignOperator.Invoke(_x, _d);

    [Benchmark]
    public void Exp() => TensorPrimitives.Exp(_x, _d);

    [Benchmark]
    public void Tanh() => TensorPrimitives.Tanh(_x, _d);
}
