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
    /// erf(x) from W. J. Cody's rational Chebyshev approximations (1969) in three ranges; relative error below 1e-15.
    /// </summary>
    internal static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        double r;
        if (ax < 0.5)
        {
            double z = x * x;
            double num = (((0.185777706184603153 * z + 3.16112374387056560) * z + 113.864154151050156) * z + 377.485237685302021) * z + 3209.37758913846947;
            double den = (((z + 23.6012909523441209) * z + 244.024637934444173) * z + 1282.61652607737228) * z + 2844.23683343917062;
            return x * num / den;
        }
        if (ax < 4.0)
        {
            double num = (((((((5.64188496988670089e-1 * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725) * ax + 2.15311535474403846e-8;
            double den = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
            r = Math.Exp(-ax * ax) * num / den;
        }
        else
        {
            double z = 1 / (ax * ax);
            double num = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z + 1.25781726111229246e-1) * z + 1.60837851487422766e-2) * z + 6.58749161529837803e-4;
            double den = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z + 6.05183413124413191e-2) * z + 2.33520497626869185e-3;
            r = Math.Exp(-ax * ax) / ax * (0.56418958354775628695 - z * num / den);
        }
        double erf = 1 - r;
        return x < 0 ? -erf : erf;
    }
}
