using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// 2-D average pooling, as <c>torch.nn.AvgPool2d</c> (floor rounding): each output is the sum of its KH×KW window's
/// inputs divided by the window's size, which counts the zero padding when <see cref="CountIncludePad"/> (PyTorch's
/// default) and only the taps inside the input otherwise (see <see cref="Tensor.AvgPool2d"/>).
/// <c>[N, C, H, W]</c> → <c>[N, C, OH, OW]</c> with OH = ⌊(H + 2·ph − KH)/sh⌋ + 1. No parameters.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernelSize">(KH, KW), at least 1.</param>
    /// <param name="stride">(sh, sw); default the kernel size.</param>
    /// <param name="padding">(ph, pw), at most half the kernel; default 0.</param>
    /// <param name="countIncludePad">Whether the padding counts in the divisor.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size outside its range.</exception>
    public AvgPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, bool countIncludePad = true)
    {
        (KernelSize, Stride, Padding, CountIncludePad) = (kernelSize, stride ?? kernelSize, padding ?? 0, countIncludePad);
        PoolingChecks.Check(KernelSize, Stride, Padding, 1, "AvgPool2d");
    }

    /// <summary>(KH, KW).</summary>
    public Size2d KernelSize { get; }

    /// <summary>(sh, sw).</summary>
    public Size2d Stride { get; }

    /// <summary>(ph, pw).</summary>
    public Size2d Padding { get; }

    /// <summary>Whether the zero padding counts in each window's divisor.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    protected override string Signature => $"AvgPool2d {KernelSize}" + (Stride != KernelSize ? $", stride {Stride}" : "") +
        (Padding != 0 ? $", padding {Padding}" : "") + (CountIncludePad ? "" : ", padding not counted");

    /// <summary>Pools a batch <c>[N, C, H, W]</c>.</summary>
    /// <param name="input">A batch of images.</param>
    /// <exception cref="ArgumentException">The input is not 4-D or is smaller than the window.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4) throw InputError(input, $"has rank {input.Rank}, expected [N,C,H,W]");
        return Tensor.AvgPool2d(input, KernelSize, Stride, Padding, CountIncludePad);
    }
}
