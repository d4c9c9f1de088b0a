using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Adaptive 2-D average pooling to a fixed output size, as <c>torch.nn.AdaptiveAvgPool2d</c>: output (i, j) is the
/// mean of input rows [⌊i·H/OH⌋, ⌈(i + 1)·H/OH⌉) and columns [⌊j·W/OW⌋, ⌈(j + 1)·W/OW⌉).
/// <c>[N, C, H, W]</c> → <c>[N, C, OH, OW]</c>; an output size of 1 is global average pooling. No parameters.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">(OH, OW), at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An output size below 1.</exception>
    public AdaptiveAvgPool2d(Size2d outputSize)
    {
        PoolingChecks.Min(outputSize, 1, nameof(outputSize), "AdaptiveAvgPool2d");
        OutputSize = outputSize;
    }

    /// <summary>(OH, OW).</summary>
    public Size2d OutputSize { get; }

    /// <inheritdoc/>
    protected override string Signature => $"AdaptiveAvgPool2d {OutputSize}";

    /// <summary>Pools a batch <c>[N, C, H, W]</c> to <c>[N, C, OH, OW]</c>.</summary>
    /// <param name="input">A batch of images.</param>
    /// <exception cref="ArgumentException">The input is not 4-D.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4) throw InputError(input, $"has rank {input.Rank}, expected [N,C,H,W]");
        return Tensor.AdaptiveAvgPool2d(input, OutputSize);
    }
}
