using System.Numerics;
using System.Numerics.Tensors;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// Batch normalisation over axis 1 of an <c>[N, C, …]</c> tensor (C channels of N·S values each, S the product of
/// the trailing sizes), one channel per task: y = x̂·γ + β with x̂ = (x − μ)·r, r = 1/√(σ² + ε), written as one
/// multiply-add y = x·a + b per channel (a = γ·r, b = β − μ·a). Sums over a channel are float32 within each plane
/// and double across planes, in plane order, so any thread count gives the same bits.
/// </summary>
/// <remarks>
/// <c>stats</c> holds 3·C floats from <c>statsOff</c>: μ, then r, then the biased variance σ² of each channel.
/// </remarks>
internal static class BatchNormKernel
{
    /// <summary>Training mode: the batch statistics of each channel into <c>stats</c>, and y.</summary>
    public static void ForwardTraining(int n, int c, int s, float[] x, int xOff, float[]? gamma, int gOff, float[]? beta, int bOff,
        float eps, float[] y, int yOff, float[] stats, int statsOff)
    {
        ParallelRanges.Run(c, (long)n * c * s * 3, (n, c, s, x, xOff, gamma, gOff, beta, bOff, eps, y, yOff, stats, statsOff), static (state, start, end) =>
        {
            var (n, c, s, x, xOff, gamma, gOff, beta, bOff, eps, y, yOff, stats, statsOff) = state;
            for (int ch = start; ch < end; ch++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += TensorPrimitives.Sum(x.AsSpan(xOff + (i * c + ch) * s, s));
                double count = (double)n * s;
                float mu = (float)(sum / count);
                double squares = 0;
                for (int i = 0; i < n; i++) squares += NormalizationSpans.SquaredDeviations(x.AsSpan(xOff + (i * c + ch) * s, s), mu);
                float variance = (float)(squares / count);
                float r = (float)(1.0 / Math.Sqrt(variance + (double)eps));
                stats[statsOff + ch] = mu;
                stats[statsOff + c + ch] = r;
                stats[statsOff + 2 * c + ch] = variance;
                Affine(n, c, s, ch, x, xOff, y, yOff, gamma is null ? r : gamma[gOff + ch] * r, mu, beta is null ? 0f : beta[bOff + ch]);
            }
        });
    }

    /// <summary>Evaluation mode: normalise with the given mean and variance of each channel.</summary>
    public static void ForwardEval(int n, int c, int s, float[] x, int xOff, float[]? gamma, int gOff, float[]? beta, int bOff,
        float eps, float[] runningMean, int mOff, float[] runningVar, int vOff, float[] y, int yOff, float[] stats, int statsOff)
    {
        ParallelRanges.Run(c, (long)n * c * s, (n, c, s, x, xOff, gamma, gOff, beta, bOff, eps, runningMean, mOff, runningVar, vOff, y, yOff, stats, statsOff),
            static (state, start, end) =>
        {
            var (n, c, s, x, xOff, gamma, gOff, beta, bOff, eps, runningMean, mOff, runningVar, vOff, y, yOff, stats, statsOff) = state;
            for (int ch = start; ch < end; ch++)
            {
                float mu = runningMean[mOff + ch];
                float r = (float)(1.0 / Math.Sqrt(runningVar[vOff + ch] + (double)eps));
                stats[statsOff + ch] = mu;
                stats[statsOff + c + ch] = r;
                stats[statsOff + 2 * c + ch] = runningVar[vOff + ch];
                Affine(n, c, s, ch, x, xOff, y, yOff, gamma is null ? r : gamma[gOff + ch] * r, mu, beta is null ? 0f : beta[bOff + ch]);
            }
        });
    }

    /// <summary>y = x·a + (β − μ·a) over channel <paramref name="ch"/>.</summary>
    private static void Affine(int n, int c, int s, int ch, float[] x, int xOff, float[] y, int yOff, float a, float mu, float beta)
    {
        float b = beta - mu * a;
        for (int i = 0; i < n; i++)
        {
            int o = (i * c + ch) * s;
            NormalizationSpans.ScaleShift(x.AsSpan(xOff + o, s), a, b, y.AsSpan(yOff + o, s));
        }
    }

    /// <summary>
    /// The gradients from g = dL/dy: dγ = Σ g·x̂ and dβ = Σ g per channel (into <paramref name="dGamma"/> and
    /// <paramref name="dBeta"/> when not null), and dx (overwritten, when not null). In training mode μ and r depend
    /// on x: dx = γ·r·(g − Σg/M − x̂·Σ(g·x̂)/M) with M = N·S; in evaluation mode dx = γ·r·g.
    /// </summary>
    public static void Backward(int n, int c, int s, bool training, float[] x, int xOff, float[]? gamma, int gOff,
        float[] stats, int statsOff, float[] g, int gradOff, float[]? dx, int dxOff, float[]? dGamma, float[]? dBeta)
    {
        ParallelRanges.Run(c, (long)n * c * s * 3, (n, c, s, training, x, xOff, gamma, gOff, stats, statsOff, g, gradOff, dx, dxOff, dGamma, dBeta),
            static (state, start, end) =>
        {
            var (n, c, s, training, x, xOff, gamma, gOff, stats, statsOff, g, gradOff, dx, dxOff, dGamma, dBeta) = state;
            for (int ch = start; ch < end; ch++)
            {
                float mu = stats[statsOff + ch], r = stats[statsOff + c + ch];
                double sumG = 0, sumGx = 0;
                for (int i = 0; i < n; i++)
                {
                    int o = (i * c + ch) * s;
                    var gs = g.AsSpan(gradOff + o, s);
                    sumG += TensorPrimitives.Sum(gs);
                    sumGx += TensorPrimitives.Dot(gs, x.AsSpan(xOff + o, s));
                }
                // Σ g·x̂ = r·(Σ g·x − μ·Σ g)
                double sumGxHat = r * (sumGx - mu * sumG);
                if (dGamma is not null) dGamma[ch] = (float)sumGxHat;
                if (dBeta is not null) dBeta[ch] = (float)sumG;
                if (dx is null) continue;
                float gm = gamma is null ? 1f : gamma[gOff + ch];
                float k1 = gm * r;
                for (int i = 0; i < n; i++)
                {
                    int o = (i * c + ch) * s;
                    var d = dx.AsSpan(dxOff + o, s);
                    if (training)
                    {
                        double m = (double)n * s;
                        // dx = k1·g − k2·x + (k2·μ − k1·Σg/M), k2 = γ·r²·Σ(g·x̂)/M
                        float k2 = (float)(gm * (double)r * r * sumGxHat / m);
                        float c0 = (float)(k2 * (double)mu - k1 * sumG / m);
                        NormalizationSpans.ScaleShift(x.AsSpan(xOff + o, s), -k2, c0, d);
                        TensorPrimitives.MultiplyAdd(g.AsSpan(gradOff + o, s), k1, d, d);
                    }
                    else
                    {
                        TensorPrimitives.Multiply(g.AsSpan(gradOff + o, s), k1, d);
                    }
                }
            }
        });
    }
}
