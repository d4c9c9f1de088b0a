using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Tensors.Kernels;

/// <summary><c>min(x, y)</c>; NaN if either is NaN, as PyTorch's <c>minimum</c>.</summary>
public readonly struct MinimumOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => float.Min(x, y);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Min(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Min(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Min(y, x, destination);
}
