using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// <c>relu(x) = x &lt;= 0 ? 0 : x</c>: +0 for every x ≤ 0 (−0 included), NaN propagates (the comparison is false for
/// NaN), the same results as <c>max(x, 0)</c>. One compare and one and-not per vector.
/// </summary>
public readonly struct ReluOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Invoke(float x) => x <= 0f ? 0f : x;

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.AndNot(x, Vector128.LessThanOrEqual(x, Vector128<float>.Zero));

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.AndNot(x, Vector256.LessThanOrEqual(x, Vector256<float>.Zero));

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.AndNot(x, Vector512.LessThanOrEqual(x, Vector512<float>.Zero));

    /// <summary>Applies the operator to a span.</summary>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> destination) => UnaryKernel.Run<ReluOperator>(x, destination);
}
