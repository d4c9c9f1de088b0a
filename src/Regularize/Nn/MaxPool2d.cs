using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// 2-D max pooling, as <c>torch.nn.MaxPool2d</c> (floor rounding): each output is the largest input in its
/// KH×KW window (see <see cref="Tensor.MaxPool2d"/>); ties go to the first maximum in scan order, as in PyTorch.
/// <c>[N, C, H, W]</c> → <c>[N, C, OH, OW]</c> with OH = ⌊(H + 2·ph − dh·(KH − 1) − 1)/sh⌋ + 1. No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernelSize">(KH, KW), at least 1.</param>
    /// <param name="stride">(sh, sw); default the kernel size.</param>
    /// <param name="padding">(ph, pw), at most half the kernel; default 0.</param>
    /// <param name="dilation">(dh, dw); default 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size outside its range.</exception>
    public MaxPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, Size2d? dilation = null)
    {
        (KernelSize, Stride, Padding, Dilation) = (kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1);
        PoolingChecks.Check(KernelSize, Stride, Padding, Dilation, "MaxPool2d");
    }

    /// <summary>(KH, KW).</summary>
    public Size2d KernelSize { get; }

    /// <summary>(sh, sw).</summary>
    public Size2d Stride { get; }

    /// <summary>(ph, pw).</summary>
    public Size2d Padding { get; }

    /// <summary>(dh, dw).</summary>
    public Size2d Dilation { get; }

    /// <inheritdoc/>
    protected override string Signature => $"MaxPool2d {KernelSize}" + (Stride != KernelSize ? $", stride {Stride}" : "") +
        (Padding != 0 ? $", padding {Padding}" : "") + (Dilation != 1 ? $", dilation {Dilation}" : "");

    /// <summary>Pools a batch <c>[N, C, H, W]</c>.</summary>
    /// <param name="input">A batch of images.</param>
    /// <exception cref="ArgumentException">The input is not 4-D or is smaller than the window.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4) throw InputError(input, $"has rank {input.Rank}, expected [N,C,H,W]");
        return Tensor.MaxPool2d(input, KernelSize, Stride, Padding, Dilation);
    }
}
