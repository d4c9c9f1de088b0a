using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// Group normalisation of an <c>[N, C, …]</c> tensor (C channels of S values each, S the product of the trailing
/// sizes) whose channels are cut into G groups of C/G consecutive channels: each (n, group) block of M = (C/G)·S
/// values is normalised with its own μ and r = 1/√(σ² + ε) (σ² the biased variance), then channel c is mapped
/// by γ_c and β_c: y = x̂·γ_c + β_c with x̂ = (x − μ)·r, written as one multiply-add y = x·a + b per channel
/// (a = γ_c·r, b = β_c − μ·a).
/// </summary>
/// <remarks>
/// One (n, group) block per task. Sums over a block are float32 within each channel's plane and double across
/// planes, in plane order; the parameter gradients are summed over n in order after the blocks are done. So any
/// thread count gives the same bits. <c>stats</c> holds 2·N·G floats from <c>statsOff</c>: μ of every block
/// (index n·G + group), then r of every block.
/// </remarks>
internal static class GroupNormKernel
{
    /// <summary>The statistics of every (n, group) block into <c>stats</c>, and y.</summary>
    public static void Forward(int n, int c, int s, int groups, float[] x, int xOff, float[]? gamma, int gOff, float[]? beta, int bOff,
        float eps, float[] y, int yOff, float[] stats, int statsOff)
    {
        int cg = c / groups;
        int blocks = n * groups;
        ParallelRanges.Run(blocks, (long)n * c * s * 3, (start, end) =>
        {
            for (int block = start; block < end; block++)
            {
                int first = (block / groups) * c + (block % groups) * cg; // index of the block's first plane
                double sum = 0;
                for (int k = 0; k < cg; k++) sum += TensorPrimitives.Sum(x.AsSpan(xOff + (first + k) * s, s));
                double count = (double)cg * s;
                float mu = (float)(sum / count);
                double squares = 0;
                for (int k = 0; k < cg; k++) squares += NormalizationSpans.SquaredDeviations(x.AsSpan(xOff + (first + k) * s, s), mu);
                float r = (float)(1.0 / Math.Sqrt(squares / count + eps));
                stats[statsOff + block] = mu;
                stats[statsOff + blocks + block] = r;
                for (int k = 0; k < cg; k++)
                {
                    int ch = (block % groups) * cg + k;
                    float a = gamma is null ? r : gamma[gOff + ch] * r;
                    float b = (beta is null ? 0f : beta[bOff + ch]) - mu * a;
                    NormalizationSpans.ScaleShift(x.AsSpan(xOff + (first + k) * s, s), a, b, y.AsSpan(yOff + (first + k) * s, s));
                }
            }
        });
    }

    /// <summary>
    /// The gradients from g = dL/dy. Per channel c: dβ_c = Σ_n Σ g and dγ_c = Σ_n Σ g·x̂ (into <paramref name="dGamma"/> and
    /// <paramref name="dBeta"/> when not null). Per block, with ĝ = g·γ_c: dx = r·(ĝ − Σĝ/M − x̂·Σ(ĝ·x̂)/M) (into
    /// <paramref name="dx"/>, overwritten, when not null).
    /// </summary>
    public static void Backward(int n, int c, int s, int groups, float[] x, int xOff, float[]? gamma, int gOff,
        float[] stats, int statsOff, float[] g, int gradOff, float[]? dx, int dxOff, float[]? dGamma, int dgOff, float[]? dBeta, int dbOff)
    {
        // Σ g and Σ g·x of every plane (n, c), in double.
        var sumG = ArrayPool<double>.Shared.Rent(n * c);
        var sumGx = ArrayPool<double>.Shared.Rent(n * c);
        try
        {
            BackwardBlocks(n, c, s, groups, x, xOff, gamma, gOff, stats, statsOff, g, gradOff, dx, dxOff, sumG, sumGx);
            if (dGamma is not null || dBeta is not null) ParameterGradients(n, c, groups, stats, statsOff, sumG, sumGx, dGamma, dgOff, dBeta, dbOff);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sumG);
            ArrayPool<double>.Shared.Return(sumGx);
        }
    }

    /// <summary>Per block: the plane sums Σ g and Σ g·x into <paramref name="sumG"/> and <paramref name="sumGx"/>, and dx.</summary>
    private static void BackwardBlocks(int n, int c, int s, int groups, float[] x, int xOff, float[]? gamma, int gOff,
        float[] stats, int statsOff, float[] g, int gradOff, float[]? dx, int dxOff, double[] sumG, double[] sumGx)
    {
        int cg = c / groups;
        int blocks = n * groups;
        ParallelRanges.Run(blocks, (long)n * c * s * (dx is null ? 2 : 4), (start, end) =>
        {
            for (int block = start; block < end; block++)
            {
                int first = (block / groups) * c + (block % groups) * cg;
                float mu = stats[statsOff + block], r = stats[statsOff + blocks + block];
                double a = 0, bSum = 0; // Σĝ and Σ ĝ·x̂ over the block
                for (int k = 0; k < cg; k++)
                {
                    int plane = first + k;
                    var gs = g.AsSpan(gradOff + plane * s, s);
                    double sg = TensorPrimitives.Sum(gs);
                    double sgx = TensorPrimitives.Dot(gs, x.AsSpan(xOff + plane * s, s));
                    sumG[plane] = sg;
                    sumGx[plane] = sgx;
                    double gm = gamma is null ? 1.0 : gamma[gOff + plane % c];
                    a += gm * sg;
                    bSum += gm * r * (sgx - mu * sg); // Σ g·x̂ = r·(Σ g·x − μ·Σ g)
                }
                if (dx is null) continue;
                double m = (double)cg * s;
                // dx = k1·g − k2·(x − μ) + c0 with k1 = r·γ_c, k2 = r²·Σ(ĝ·x̂)/M, c0 = −r·Σĝ/M. Subtracting μ before
                // scaling keeps the precision when μ is large next to the spread of the group.
                float k2 = (float)((double)r * r * bSum / m);
                float c0 = (float)(-r * a / m);
                for (int k = 0; k < cg; k++)
                {
                    int plane = first + k;
                    float k1 = r * (gamma is null ? 1f : gamma[gOff + plane % c]);
                    var d = dx.AsSpan(dxOff + plane * s, s);
                    NormalizationSpans.CentredScaleShift(x.AsSpan(xOff + plane * s, s), mu, -k2, c0, d);
                    TensorPrimitives.MultiplyAdd(g.AsSpan(gradOff + plane * s, s), k1, d, d);
                }
            }
        });
    }

    /// <summary>dγ_c = Σ_n r·(Σ g·x − μ·Σ g) and dβ_c = Σ_n Σ g, summed over n in order.</summary>
    private static void ParameterGradients(int n, int c, int groups, float[] stats, int statsOff, double[] sumG, double[] sumGx,
        float[]? dGamma, int dgOff, float[]? dBeta, int dbOff)
    {
        int cg = c / groups;
        int blocks = n * groups;
        for (int ch = 0; ch < c; ch++)
        {
            double dg = 0, db = 0;
            for (int i = 0; i < n; i++)
            {
                int plane = i * c + ch, block = i * groups + ch / cg;
                double mu = stats[statsOff + block], r = stats[statsOff + blocks + block];
                dg += r * (sumGx[plane] - mu * sumG[plane]);
                db += sumG[plane];
            }
            if (dGamma is not null) dGamma[dgOff + ch] = (float)dg;
            if (dBeta is not null) dBeta[dbOff + ch] = (float)db;
        }
    }
}
