using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// NAdam as torch 1.13 computes it (torch/optim/nadam.py, <c>_single_tensor_nadam</c>; 1.13 has no maximize and no
/// decoupled decay):
/// <code>
/// t ← t + 1;  g ← g + λθ                                (coupled L2)
/// μₜ ← β₁(1 − ½·0.96^(tψ));  μₜ₊₁ ← β₁(1 − ½·0.96^((t+1)ψ))      (double)
/// Π ← Π·μₜ  (a float32 0-dim tensor);  Π' ← Π·μₜ·μₜ₊₁ (float32)
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
/// d ← √(v / (1 − β₂ᵗ)) + ε
/// θ ← θ − γ(1 − μₜ)/(1 − Π) · g/d
/// θ ← θ − γμₜ₊₁/(1 − Π') · m/d                         (two separate addcdiv's, each rounded)
/// </code>
/// Slots: m, v, muProduct (Π, length 1). The step sizes are formed in double from Π's float32 value.
/// </summary>
internal static class NAdamReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var m = s.Slot("m", n);
        var v = s.Slot("v", n);
        var muProduct = s.Slot("muProduct", 1, 1f);
        s.Step++;
        double t = s.Step;
        double bc2 = 1 - Math.Pow(c.Beta2, t);
        double mu = c.Beta1 * (1.0 - 0.5 * Math.Pow(0.96, t * c.MomentumDecay));          // μₜ
        double muNext = c.Beta1 * (1.0 - 0.5 * Math.Pow(0.96, (t + 1) * c.MomentumDecay)); // μₜ₊₁
        muProduct[0] *= (float)mu;                                                        // Π ← Π·μₜ (float32)
        float muProductNext = muProduct[0] * (float)mu * (float)muNext;                   // Π·μₜ·μₜ₊₁ (float32)
        double gradStep = -c.LearningRate * (1.0 - mu) / (1.0 - muProduct[0]);
        double momentumStep = -c.LearningRate * muNext / (1.0 - muProductNext);
        float beta1 = (float)c.Beta1, beta2 = (float)c.Beta2, eps = (float)c.Epsilon, bc2f = (float)bc2;
        for (int i = 0; i < n; i++)
        {
            float g = grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λθ
            m[i] = Add(m[i] * beta1, g, 1 - c.Beta1);                           // β₁m + (1 − β₁)g
            v[i] = AddCMul(v[i] * beta2, g, g, 1 - c.Beta2);                    // β₂v + (1 − β₂)g²
            float d = MathF.Sqrt(v[i] / bc2f) + eps;                            // √(v/(1 − β₂ᵗ)) + ε
            theta[i] = AddCDiv(theta[i], g, d, gradStep);                       // θ − γ(1 − μₜ)/(1 − Π) · g/d
            theta[i] = AddCDiv(theta[i], m[i], d, momentumStep);                // θ − γμₜ₊₁/(1 − Π') · m/d
        }
    }
}
