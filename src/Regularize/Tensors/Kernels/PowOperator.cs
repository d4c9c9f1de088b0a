using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Regularize.Tensors.Kernels;

/// <summary><c>x^y</c>.</summary>
public readonly struct PowOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => MathF.Pow(x, y);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Pow(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Pow(x, y, destination);

    /// <inheritdoc/>
    public static void Invoke(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Pow(x, y, destination);
}
