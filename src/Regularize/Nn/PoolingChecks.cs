using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>The argument checks the pooling layers share, made in their constructors so a bad layer fails where it is built.</summary>
internal static class PoolingChecks
{
    public static void Check(Size2d kernelSize, Size2d stride, Size2d padding, Size2d dilation, string layer)
    {
        Min(kernelSize, 1, nameof(kernelSize), layer);
        Min(stride, 1, nameof(stride), layer);
        Min(padding, 0, nameof(padding), layer);
        Min(dilation, 1, nameof(dilation), layer);
        if (padding.Height > kernelSize.Height / 2 || padding.Width > kernelSize.Width / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{layer}: padding {padding} must be at most half the kernel size {kernelSize}.");
        }
    }

    public static void Min(Size2d size, int min, string name, string layer)
    {
        if (size.Height < min || size.Width < min)
        {
            throw new ArgumentOutOfRangeException(name, size, $"{layer}: {name} must be at least {min}, was {size}.");
        }
    }
}
