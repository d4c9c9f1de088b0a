using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Adamax as torch 1.13 computes it (torch/optim/adamax.py, <c>_single_tensor_adamax</c>):
/// <code>
/// t ← t + 1;  g ← −g if maximize;  g ← g + λθ          (coupled L2)
/// m ← β₁m + (1 − β₁)g
/// u ← max(β₂u, |g| + ε)                                 (ε added to |g| inside the max, not to the denominator)
/// θ ← θ − γ/(1 − β₁ᵗ) · m/u                             (γ/(1 − β₁ᵗ) in double, rounded once)
/// </code>
/// Slots: m, expInf (u).
/// </summary>
internal static class AdamaxReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var m = s.Slot("m", n);
        var u = s.Slot("expInf", n);
        s.Step++;
        double clr = c.LearningRate / (1 - Math.Pow(c.Beta1, s.Step));          // γ/(1 − β₁ᵗ)
        float beta1 = (float)c.Beta1, beta2 = (float)c.Beta2, eps = (float)c.Epsilon;
        for (int i = 0; i < n; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λθ
            m[i] = Add(m[i] * beta1, g, 1 - c.Beta1);                           // β₁m + (1 − β₁)g
            u[i] = MathF.Max(u[i] * beta2, MathF.Abs(g) + eps);                 // max(β₂u, |g| + ε)
            theta[i] = AddCDiv(theta[i], m[i], u[i], -clr);                     // θ − clr · m/u
        }
    }
}
