using BenchmarkDotNet.Attributes;
using Regularize.Benchmarks.Hardware;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Convolution;

/// <summary>
/// <c>Tensor.GroupNorm</c> forward + backward (γ and β learned, inside a <see cref="TensorScope"/>) on
/// <c>[N, C, H, W]</c> = [32, 64, 28, 28] (1.6M values, 6.4 MB per tensor) with 32 groups, 1 and 2 threads, against the
/// memory-bandwidth probe moving the pass's compulsory traffic (<see cref="Bandwidth"/>, the baseline): the forward
/// reads x and writes y, the backward reads x and g and writes dx, so 3 reads and 2 writes of 4 bytes per value
/// (a (C/G)·H·W block, 6 KB, stays in cache between the passes over it). Fraction of bandwidth = Bandwidth time /
/// GroupNorm time. BatchNorm2d's fused training pass on the same tensor is shown next to it.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ConvolutionConfig))]
public class GroupNormBenchmarks
{
    private const int N = 32, C = 64, H = 28, W = 28, Groups = 32;
    private Tensor _x = null!, _g = null!, _gamma = null!, _beta = null!, _runningMean = null!, _runningVar = null!;
    private MemoryBandwidth _probe = null!;

    /// <summary>Threads for the pass and the probe.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the tensors and the probe.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _x = Tensor.RandomNormal([N, C, H, W], mean: 0.5f, std: 2f, seed: 1);
        _g = Tensor.RandomNormal([N, C, H, W], seed: 2);
        _gamma = Tensor.RandomNormal([C], mean: 1f, std: 0.2f, seed: 3);
        _beta = Tensor.RandomNormal([C], std: 0.2f, seed: 4);
        _runningMean = Tensor.Zeros(C);
        _runningVar = Tensor.Ones(C);
        _x.RequiresGrad = _gamma.RequiresGrad = _beta.RequiresGrad = true;
        _probe = new MemoryBandwidth(N * C * H * W);
    }

    /// <summary>The probe: 3 arrays read, 2 written back, one pass.</summary>
    [Benchmark(Baseline = true)]
    public void Bandwidth() => _probe.Streams(reads: 3, writes: 2, Threads);

    /// <summary>GroupNorm forward, then backward from g into x, γ and β.</summary>
    [Benchmark]
    public void GroupNorm()
    {
        using var limit = Parallelism.Limit(Threads);
        using var scope = TensorScope.Begin();
        Tensor.GroupNorm(_x, Groups, _gamma, _beta).Backward(_g);
        _x.Grad = _gamma.Grad = _beta.Grad = null;
    }

    /// <summary>BatchNorm2d's training forward (with running statistics), then backward, on the same tensor.</summary>
    [Benchmark]
    public void BatchNorm2d()
    {
        using var limit = Parallelism.Limit(Threads);
        using var scope = TensorScope.Begin();
        Tensor.BatchNorm(_x, _runningMean, _runningVar, _gamma, _beta, training: true).Backward(_g);
        _x.Grad = _gamma.Grad = _beta.Grad = null;
    }
}
