using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>Draws from Beta(α, α) as G₁/(G₁ + G₂) with Gᵢ ~ Gamma(α, 1) (Marsaglia and Tsang 2000; for α &lt; 1,
/// Gamma(α) = Gamma(α + 1)·U^(1/α)).</summary>
internal static class BetaSampler
{
    public static double Symmetric(Rng rng, double alpha)
    {
        double g1 = Gamma(rng, alpha), g2 = Gamma(rng, alpha);
        double sum = g1 + g2;
        return sum > 0 ? g1 / sum : 0.5;
    }

    private static double Gamma(Rng rng, double shape)
    {
        if (shape < 1)
        {
            double u = rng.NextDouble();
            return Gamma(rng, shape + 1) * Math.Pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = rng.NextNormal(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }
}
