using Regularize.Tensors;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>Seeded data and small vector helpers for the paper optimizers' reference tests.</summary>
internal static class FamilyTestData
{
    /// <summary>n standard-normal float32 values from a seeded generator.</summary>
    public static float[] Normal(int n, ulong seed, float std = 1f)
    {
        var x = new float[n];
        new Rng(seed).FillNormal(x, 0f, std);
        return x;
    }

    /// <summary>‖x‖ in double.</summary>
    public static double Norm(IEnumerable<double> x) => Math.Sqrt(x.Sum(e => e * e));

    /// <summary>Cosine of the angle between two vectors, in double.</summary>
    public static double Cosine(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / (Norm(a) * Norm(b));

    /// <summary>Largest |a − b| / max(|b|, floor).</summary>
    public static double MaxRelative(float[] a, double[] b, double floor = 1e-3) =>
        a.Select((x, i) => Math.Abs(x - b[i]) / Math.Max(Math.Abs(b[i]), floor)).Max();
}
