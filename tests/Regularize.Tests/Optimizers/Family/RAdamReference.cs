using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// RAdam as torch 1.13 computes it (torch/optim/radam.py, <c>_single_tensor_radam</c>; 1.13 has no decoupled decay):
/// <code>
/// t ← t + 1;  g ← g + λθ                                (coupled L2)
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
/// m̂ ← m / (1 − β₁ᵗ)
/// ρ∞ ← 2/(1 − β₂) − 1;  ρₜ ← ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)       (double)
/// ρₜ &gt; 5:  r ← √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ));  l ← √(1 − β₂ᵗ) / (√v + ε)
///           θ ← θ − m̂·γ·l·r
/// else:     θ ← θ − m̂·γ                                 (un-adapted SGD with momentum for the first steps)
/// </code>
/// Slots: m, v. Float32 products in torch's order ((m̂·γ)·l)·r; l is computed as (1/(√v + ε))·√(1 − β₂ᵗ)
/// because Python's <c>float / tensor</c> takes the reciprocal first.
/// </summary>
internal static class RAdamReference
{
    /// <summary>ρₜ as torch computes it (double).</summary>
    public static double RhoT(double beta2, long step)
    {
        double rhoInf = 2 / (1 - beta2) - 1;
        return rhoInf - 2 * step * Math.Pow(beta2, step) / (1 - Math.Pow(beta2, step));
    }

    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var m = s.Slot("m", n);
        var v = s.Slot("v", n);
        s.Step++;
        double bc1 = 1 - Math.Pow(c.Beta1, s.Step), bc2 = 1 - Math.Pow(c.Beta2, s.Step);
        double rhoInf = 2 / (1 - c.Beta2) - 1;
        double rhoT = rhoInf - 2 * s.Step * Math.Pow(c.Beta2, s.Step) / bc2;
        bool rectified = rhoT > 5.0;
        double rect = rectified ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
        float beta1 = (float)c.Beta1, beta2 = (float)c.Beta2, eps = (float)c.Epsilon;
        float bc1f = (float)bc1, lr = (float)c.LearningRate, sqrtBc2 = (float)Math.Sqrt(bc2), rectF = (float)rect;
        for (int i = 0; i < n; i++)
        {
            float g = grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λθ
            m[i] = Add(m[i] * beta1, g, 1 - c.Beta1);                           // β₁m + (1 − β₁)g
            v[i] = AddCMul(v[i] * beta2, g, g, 1 - c.Beta2);                    // β₂v + (1 − β₂)g²
            float mHat = m[i] / bc1f;                                           // m/(1 − β₁ᵗ)
            if (rectified)
            {
                float l = 1f / (MathF.Sqrt(v[i]) + eps) * sqrtBc2;             // √(1 − β₂ᵗ)/(√v + ε)
                theta[i] -= mHat * lr * l * rectF;                              // θ − m̂·γ·l·r
            }
            else theta[i] -= mHat * lr;                                         // θ − m̂·γ
        }
    }
}
