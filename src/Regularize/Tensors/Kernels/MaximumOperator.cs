using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Tensors.Kernels;

/// <summary><c>max(x, y)</c>; NaN if either is NaN (IEEE 754-2019 maximum), as PyTorch's <c>maximum</c>.</summary>
public readonly struct MaximumOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => float.Max(x, y);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Max(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Max(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Max(y, x, destination);
}
