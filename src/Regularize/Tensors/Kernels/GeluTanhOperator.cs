using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// GELU with the tanh approximation, as <c>torch.nn.functional.gelu(x, approximate='tanh')</c>:
/// <c>gelu(x) = ½·x·(1 + tanh(u))</c> with <c>u = √(2/π)·(x + 0.044715·x³)</c>, evaluated in double through the
/// identity <c>½·(1 + tanh(u)) = 1 / (1 + e^(−2u))</c>, i.e. <c>gelu(x) = x / (1 + e^(−2u))</c>, then rounded to float.
/// </summary>
/// <remarks>
/// Every width widens to double and performs the same operations in the same order, so the vector forms agree with
/// the scalar one except where the vector and scalar double <c>exp</c> differ in the last double bit and that bit
/// decides the float rounding (at most 1 float ulp, and rare). At x = −∞ the result is NaN (−∞·0), as in PyTorch.
/// </remarks>
public readonly struct GeluTanhOperator : IUnaryOperator
{
    /// <summary>√(2/π).</summary>
    internal const double K = 0.79788456080286535588;

    /// <summary>The cubic coefficient 0.044715.</summary>
    internal const double C = 0.044715;

    /// <inheritdoc/>
    public static float Invoke(float x)
    {
        double xd = x;
        double u = K * (xd + C * (xd * xd * xd));
        return (float)(xd / (1.0 + Math.Exp(-2.0 * u)));
    }

    /// <summary><c>d gelu / dx = ½(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)</c> with <c>t = tanh(u)</c>.</summary>
    public static float Derivative(float x)
    {
        double xd = x;
        double t = Math.Tanh(K * (xd + C * (xd * xd * xd)));
        return (float)(0.5 * (1 + t) + 0.5 * xd * (1 - t * t) * K * (1 + 3 * C * xd * xd));
    }

    private static Vector128<double> Core(Vector128<double> x)
    {
        var u = Vector128.Create(K) * (x + Vector128.Create(C) * (x * x * x));
        return x / (Vector128<double>.One + Vector128.Exp(Vector128.Create(-2.0) * u));
    }

    private static Vector256<double> Core(Vector256<double> x)
    {
        var u = Vector256.Create(K) * (x + Vector256.Create(C) * (x * x * x));
        return x / (Vector256<double>.One + Vector256.Exp(Vector256.Create(-2.0) * u));
    }

    private static Vector512<double> Core(Vector512<double> x)
    {
        var u = Vector512.Create(K) * (x + Vector512.Create(C) * (x * x * x));
        return x / (Vector512<double>.One + Vector512.Exp(Vector512.Create(-2.0) * u));
    }

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var (lower, upper) = Vector128.Widen(x);
        return Vector128.Narrow(Core(lower), Core(upper));
    }

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var (lower, upper) = Vector256.Widen(x);
        return Vector256.Narrow(Core(lower), Core(upper));
    }

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var (lower, upper) = Vector512.Widen(x);
        return Vector512.Narrow(Core(lower), Core(upper));
    }

    /// <summary>Applies the operator to a span.</summary>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> destination) => UnaryKernel.Run<GeluTanhOperator>(x, destination);
}
