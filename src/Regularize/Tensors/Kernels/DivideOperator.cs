using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Tensors.Kernels;

/// <summary><c>x / y</c></summary>
public readonly struct DivideOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => x / y;

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);
}
