namespace Regularize.Tensors.Kernels;

/// <summary>
/// The exact GELU, <c>gelu(x) = ½·x·(1 + erf(x/√2))</c>, and its derivative <c>Φ(x) + x·φ(x)</c>,
/// evaluated in double with a rational erf approximation accurate far below float32 rounding.
/// </summary>
public static class GeluOperator
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;

    /// <summary><c>gelu(x)</c>.</summary>
    public static float Invoke(float x) => (float)(0.5 * x * (1 + Erf(x * InvSqrt2)));

    /// <summary><c>d gelu / dx = Φ(x) + x·φ(x)</c>.</summary>
    public static float Derivative(float x)
    {
        double xd = x;
        double cdf = 0.5 * (1 + Erf(xd * InvSqrt2));
        double pdf = InvSqrt2Pi * Math.Exp(-0.5 * xd * xd);
        return (float)(cdf + xd * pdf);
    }

    /// <summary>Applies gelu to a span.</summary>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = Invoke(x[i]);
    }

    /// <summary>
    /// erf(x) in double: the Maclaurin series 2/√π·Σ (−1)ⁿ x²ⁿ⁺¹/(n!(2n+1)) for |x| &lt; 3 (the largest term is
    /// about 10³, so cancellation costs three of sixteen digits), and for |x| ≥ 3 erf = 1 − erfc with erfc from
    /// its continued fraction e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))), evaluated from the tail.
    /// </summary>
    internal static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 3)
        {
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 100; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        if (ax > 10) return Math.Sign(x);
        double t = ax;
        for (int k = 60; k >= 1; k--) t = ax + k * 0.5 / t;
        double erfc = Math.Exp(-ax * ax) / (Math.Sqrt(Math.PI) * t);
        return x < 0 ? erfc - 1 : 1 - erfc;
    }
}
