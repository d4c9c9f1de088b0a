namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020,
/// arXiv:1904.00962, Algorithm 2, with φ the identity), per tensor:
/// <code>
/// t ← t + 1
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
/// m̂ ← m/(1 − β₁ᵗ);  v̂ ← v/(1 − β₂ᵗ)
/// r ← m̂/(√v̂ + ε) + λθ                      (decoupled decay inside r, so it is scaled by the trust ratio too)
/// q ← ‖θ‖/‖r‖;  q ← 1 if ‖θ‖ = 0 or ‖r‖ = 0 or the tensor is excluded (LayerAdaptation off: biases, norms)
/// θ ← θ − γ·q·r
/// </code>
/// Slots: m, v. Elementwise float32, each operation rounded; the norms are accumulated in double and
/// γ·q is rounded to float32 once. With q = 1 this is AdamW with its decay γλθ taken from the same θ.
/// </summary>
internal static class LambReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var m = s.Slot("m", n);
        var v = s.Slot("v", n);
        s.Step++;
        float beta1 = (float)c.Beta1, oneMinusBeta1 = (float)(1 - c.Beta1);
        float beta2 = (float)c.Beta2, oneMinusBeta2 = (float)(1 - c.Beta2);
        float bc1 = (float)(1 - Math.Pow(c.Beta1, s.Step)), bc2 = (float)(1 - Math.Pow(c.Beta2, s.Step));
        float eps = (float)c.Epsilon, lambda = (float)c.WeightDecay;
        var r = new float[n];
        double thetaSq = 0, rSq = 0;
        for (int i = 0; i < n; i++)
        {
            float g = grad[i];
            m[i] = m[i] * beta1 + oneMinusBeta1 * g;                           // β₁m + (1 − β₁)g
            v[i] = v[i] * beta2 + oneMinusBeta2 * g * g;                       // β₂v + (1 − β₂)g²
            float mHat = m[i] / bc1, vHat = v[i] / bc2;                        // bias corrections
            r[i] = mHat / (MathF.Sqrt(vHat) + eps) + lambda * theta[i];        // m̂/(√v̂ + ε) + λθ
            thetaSq += (double)theta[i] * theta[i];
            rSq += (double)r[i] * r[i];
        }
        double thetaNorm = Math.Sqrt(thetaSq), rNorm = Math.Sqrt(rSq);
        double q = c.LayerAdaptation && thetaNorm > 0 && rNorm > 0 ? thetaNorm / rNorm : 1;  // trust ratio
        float stepSize = (float)(c.LearningRate * q);                          // γq
        for (int i = 0; i < n; i++) theta[i] -= stepSize * r[i];               // θ − γq·r
    }
}
