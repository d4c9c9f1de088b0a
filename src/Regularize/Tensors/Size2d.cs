namespace Regularize.Tensors;

/// <summary>
/// A height and a width: a kernel size, stride, padding or dilation of a 2-D sliding window. An <see cref="int"/>
/// converts to the square size (<c>3</c> means 3×3), as PyTorch accepts a number or a pair.
/// </summary>
/// <param name="Height">Along the rows (axis H of NCHW).</param>
/// <param name="Width">Along the columns (axis W of NCHW).</param>
public readonly record struct Size2d(int Height, int Width)
{
    /// <summary>The square size <c>value × value</c>.</summary>
    /// <param name="value">Both the height and the width.</param>
    public static implicit operator Size2d(int value) => new(value, value);

    /// <summary>The square size <c>value × value</c> (the named form of the implicit conversion).</summary>
    /// <param name="value">Both the height and the width.</param>
    public static Size2d FromInt32(int value) => new(value, value);

    /// <inheritdoc/>
    public override string ToString() => Height == Width ? $"{Height}" : $"({Height}, {Width})";
}
