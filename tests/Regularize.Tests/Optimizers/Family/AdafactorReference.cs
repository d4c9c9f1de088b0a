namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Adafactor (Shazeer &amp; Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018,
/// arXiv:1804.04235): Algorithm 4 (matrices, factored) and 5 (vectors), with the relative step size and parameter
/// scale of §8, update clipping of §6, the increasing decay β̂₂ₜ = 1 − t^(−0.8) of §7.2 and the defaults of §9;
/// the row and column statistics are means rather than sums, as in the authors' tensor2tensor
/// <c>utils/adafactor.py</c> (V̂ is the same: R·Cᵀ/mean(R) either way), and the optional momentum acts on the
/// scaled update as there.
/// <code>
/// t ← t + 1;  β̂ = 1 − t^(−c)
/// ρ = min(10⁻², 1/√t) (relative step) or γ;  α = max(ε₂, RMS(θ))·ρ (parameter scale) or ρ
/// G = g² + ε₁
/// ≥ 2-D (factored over the last two dimensions, leading ones batched):
///     R ← β̂R + (1 − β̂)·mean over columns of G;  C ← β̂C + (1 − β̂)·mean over rows of G
///     U = g / √(R_i / mean(R)) / √(C_j)                     (V̂ = R_i·C_j / mean(R))
/// otherwise:  V ← β̂V + (1 − β̂)G;  U = g/√V
/// Û = U / max(1, RMS(U)/d)                                 (update clipping)
/// β₁ &gt; 0: m ← β₁m + (1 − β₁)αÛ, step = m;  otherwise step = αÛ
/// θ ← θ(1 − αλ)                                            (decoupled decay with α, as Hugging Face's port; not in the paper)
/// θ ← θ − step
/// </code>
/// Slots: vRow (R) and vColumn (C) when factored, else v; m when β₁ &gt; 0. Elementwise float32, each operation
/// rounded; means, RMS values, α and β̂ in double.
/// </summary>
internal static class AdafactorReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s, int[] shape)
    {
        int n = theta.Length;
        long product = 1;
        foreach (int d in shape) product *= d;
        if (product != n) throw new ArgumentException($"Adafactor: shape [{string.Join(", ", shape)}] does not hold {n} elements.", nameof(shape));
        bool factored = c.Factored && shape.Length >= 2;
        int rows = factored ? shape[^2] : 1, cols = factored ? shape[^1] : n, batch = n / (rows * cols);
        s.Step++;
        double t = s.Step;
        double decay = 1 - Math.Pow(t, -c.DecayExponent);                      // β̂₂ₜ
        double rho = c.RelativeStep ? Math.Min(1e-2, 1 / Math.Sqrt(t)) : c.LearningRate;
        double alpha = c.ScaleParameter ? Math.Max(c.Epsilon2, Rms(theta)) * rho : rho;
        float decayF = (float)decay, mixF = (float)(1 - decay), eps1 = (float)c.Epsilon1;
        var u = new float[n];
        if (factored)
        {
            var r = s.Slot("vRow", batch * rows);
            var col = s.Slot("vColumn", batch * cols);
            for (int b = 0; b < batch; b++)
            {
                int o = b * rows * cols;
                for (int i = 0; i < rows; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < cols; j++) sum += Square(grad[o + i * cols + j], eps1);
                    r[b * rows + i] = decayF * r[b * rows + i] + mixF * (float)(sum / cols);   // β̂R + (1 − β̂)·row mean
                }
                for (int j = 0; j < cols; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < rows; i++) sum += Square(grad[o + i * cols + j], eps1);
                    col[b * cols + j] = decayF * col[b * cols + j] + mixF * (float)(sum / rows); // β̂C + (1 − β̂)·column mean
                }
                double rSum = 0;
                for (int i = 0; i < rows; i++) rSum += r[b * rows + i];
                float rMean = (float)(rSum / rows);
                for (int i = 0; i < rows; i++)
                {
                    float rowFactor = 1f / MathF.Sqrt(r[b * rows + i] / rMean);                  // 1/√(R_i/mean R)
                    for (int j = 0; j < cols; j++)
                        u[o + i * cols + j] = grad[o + i * cols + j] * rowFactor * (1f / MathF.Sqrt(col[b * cols + j]));
                }
            }
        }
        else
        {
            var v = s.Slot("v", n);
            for (int i = 0; i < n; i++)
            {
                v[i] = decayF * v[i] + mixF * Square(grad[i], eps1);           // β̂V + (1 − β̂)(g² + ε₁)
                u[i] = grad[i] / MathF.Sqrt(v[i]);                             // g/√V
            }
        }
        float clip = (float)Math.Max(1, Rms(u) / c.ClipThreshold);             // max(1, RMS(U)/d)
        float alphaF = (float)alpha, shrink = (float)(1 - alpha * c.WeightDecay);
        float[]? m = c.Beta1 > 0 ? s.Slot("m", n) : null;
        float beta1 = (float)c.Beta1, oneMinusBeta1 = (float)(1 - c.Beta1);
        for (int i = 0; i < n; i++)
        {
            float step = alphaF * (u[i] / clip);                               // αÛ
            if (m != null) step = m[i] = beta1 * m[i] + oneMinusBeta1 * step;  // β₁m + (1 − β₁)αÛ
            float th = theta[i];
            if (c.WeightDecay != 0) th *= shrink;                              // θ(1 − αλ)
            theta[i] = th - step;
        }
    }

    private static float Square(float g, float eps1) => g * g + eps1;

    /// <summary>√(mean x²), accumulated in double.</summary>
    public static double Rms(float[] x)
    {
        double sum = 0;
        foreach (float e in x) sum += (double)e * e;
        return Math.Sqrt(sum / x.Length);
    }
}
