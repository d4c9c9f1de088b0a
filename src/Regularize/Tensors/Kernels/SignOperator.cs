using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary><c>sign(x)</c>: 1 for x &gt; 0, −1 for x &lt; 0, and x itself for ±0 and NaN.</summary>
public readonly struct SignOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Invoke(float x) => x > 0 ? 1f : x < 0 ? -1f : x;

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128<float>.One,
            Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), -Vector128<float>.One, x));

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One,
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -Vector256<float>.One, x));

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One,
            Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), -Vector512<float>.One, x));

    /// <summary>Applies the operator to a span.</summary>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> destination) => UnaryKernel.Run<SignOperator>(x, destination);
}
