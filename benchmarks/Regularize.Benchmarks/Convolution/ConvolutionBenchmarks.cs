using BenchmarkDotNet.Attributes;
using Regularize.Tensors;

namespace Regularize.Benchmarks.Convolution;

/// <summary>
/// The lab CNN's second convolution (32 → 64, 3×3, padding 1, 14×14, batch 128): forward, input gradient and weight
/// gradient, on one thread and on all cores, with allocated bytes per call. <c>conv-report</c> prints the same passes
/// as fractions of the FMA peak.
/// </summary>
[Config(typeof(ConvolutionConfig))]
public class ConvolutionBenchmarks
{
    private ConvCase _case = null!;

    /// <summary>1 = one thread; -1 = all cores.</summary>
    [Params(1, -1)]
    public int Threads { get; set; }

    /// <summary>Random tensors for the layer.</summary>
    [GlobalSetup]
    public void Setup() => _case = ConvCase.LabCnn(128)[1];

    /// <summary>Y = conv(X, W) + b.</summary>
    [Benchmark]
    public void Forward()
    {
        using var limit = Parallelism.Limit(Threads);
        _case.Forward();
    }

    /// <summary>dX from dY.</summary>
    [Benchmark]
    public void InputGradient()
    {
        using var limit = Parallelism.Limit(Threads);
        _case.InputGradient();
    }

    /// <summary>dW from dY and X.</summary>
    [Benchmark]
    public void WeightGradient()
    {
        using var limit = Parallelism.Limit(Threads);
        _case.WeightGradient();
    }
}
