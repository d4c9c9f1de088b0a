using BenchmarkDotNet.Attributes;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.Elementwise;

/// <summary>
/// The tanh-approximated GELU (<see cref="GeluTanhOperator"/>) through the shared vector loop, against its own scalar
/// form over the same span (the baseline), and the exact erf GELU (a scalar double loop) for scale. The ratio shows
/// what widening to double vectors gains over the scalar oracle; the exact form shows what the approximation saves.
/// 100,003 elements: inside L2, not a multiple of any vector width.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class GeluBenchmarks
{
    private float[] _x = [], _d = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Tensor.RandomNormal([100_003], std: 3f, seed: 1).ToArray();
        _d = new float[_x.Length];
    }

    [Benchmark(Baseline = true)]
    public void TanhScalar()
    {
        for (int i = 0; i < _x.Length; i++) _d[i] = GeluTanhOperator.Invoke(_x[i]);
    }

    [Benchmark]
    public void TanhVector() => GeluTanhOperator.Invoke(_x, _d);

    [Benchmark]
    public void ExactScalar() => GeluOperator.Invoke(_x, _d);
}
