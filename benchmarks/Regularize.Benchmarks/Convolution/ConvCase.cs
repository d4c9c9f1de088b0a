using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Benchmarks.Convolution;

/// <summary>One convolution of the lab's CNN at a batch size, with its tensors and the work of each pass.</summary>
public sealed class ConvCase
{
    private ConvCase(string name, int n, int c, int hw, int o, int k, int pad)
    {
        Name = name;
        Geometry = new Window2d(n, c, hw, hw, k, k, 1, 1, pad, pad, 1, 1, hw + 2 * pad - k + 1, hw + 2 * pad - k + 1);
        OutChannels = o;
        X = Tensor.RandomNormal([n, c, hw, hw], seed: 1).Span.ToArray();
        W = Tensor.RandomNormal([o, c, k, k], std: 0.1f, seed: 2).Span.ToArray();
        B = Tensor.RandomNormal([o], seed: 3).Span.ToArray();
        Y = new float[n * o * Geometry.OHW];
        Dy = Tensor.RandomNormal([n, o, Geometry.OH, Geometry.OW], seed: 4).Span.ToArray();
        Dx = new float[X.Length];
        Dw = new float[W.Length];
        Partials = new float[Conv2dKernel.PartialLength(Geometry, o, 1)];
    }

    /// <summary>The lab CNN's two convolutions at batch <paramref name="batch"/>.</summary>
    public static ConvCase[] LabCnn(int batch) =>
    [
        new($"conv1 1→32 3×3 28×28, N={batch}", batch, 1, 28, 32, 3, 1),
        new($"conv2 32→64 3×3 14×14, N={batch}", batch, 32, 14, 64, 3, 1),
    ];

    /// <summary>What the case computes, for the report.</summary>
    public string Name { get; }

    internal Window2d Geometry { get; }

    /// <summary>O, the output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Input, weight, bias, output and gradients, as flat arrays.</summary>
    public float[] X { get; }

    /// <inheritdoc cref="X"/>
    public float[] W { get; }

    /// <inheritdoc cref="X"/>
    public float[] B { get; }

    /// <inheritdoc cref="X"/>
    public float[] Y { get; }

    /// <inheritdoc cref="X"/>
    public float[] Dy { get; }

    /// <inheritdoc cref="X"/>
    public float[] Dx { get; }

    /// <inheritdoc cref="X"/>
    public float[] Dw { get; }

    /// <inheritdoc cref="X"/>
    public float[] Partials { get; }

    /// <summary>Floating-point operations of one pass (each is a product of the same size): 2·N·O·OH·OW·C·KH·KW.</summary>
    public double Flops => 2.0 * Geometry.N * OutChannels * Geometry.OHW * Geometry.C * Geometry.Taps;

    /// <summary>The forward pass.</summary>
    public void Forward() => Conv2dKernel.Forward(Geometry, OutChannels, 1, X, 0, W, 0, B, 0, Y, 0);

    /// <summary>The input gradient alone.</summary>
    public void InputGradient() => Conv2dKernel.Backward(Geometry, OutChannels, 1, X, 0, W, 0, Dy, 0, Dx, 0, null, 0, null);

    /// <summary>The weight gradient alone.</summary>
    public void WeightGradient() => Conv2dKernel.Backward(Geometry, OutChannels, 1, X, 0, W, 0, Dy, 0, null, 0, Dw, 0, Partials);
}
