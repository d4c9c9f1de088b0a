using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Rprop as torch 1.13 computes it (torch/optim/rprop.py, <c>_single_tensor_rprop</c>; no weight decay in 1.13):
/// <code>
/// g ← −g if maximize
/// s ← sign(g·g_prev)
/// η ← η₊ if s &gt; 0, η₋ if s &lt; 0, 1 if s = 0
/// Δ ← clamp(Δ·η, Δ_min, Δ_max)                          (Δ₀ = γ; clamped on every step, the first included)
/// g ← 0 where s &lt; 0                                    (no move after a sign change, and no sign next step)
/// θ ← θ − sign(g)·Δ;  g_prev ← g
/// </code>
/// Slots: prev (g_prev), stepSize (Δ).
/// </summary>
internal static class RpropReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var prev = s.Slot("prev", n);
        var step = s.Slot("stepSize", n, (float)c.LearningRate);
        s.Step++;
        float etaPlus = (float)c.EtaPlus, etaMinus = (float)c.EtaMinus;
        float min = (float)c.StepSizeMin, max = (float)c.StepSizeMax;
        for (int i = 0; i < n; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];
            float sign = Sign(g * prev[i]);                                     // sign(g·g_prev)
            float eta = sign > 0 ? etaPlus : sign < 0 ? etaMinus : 1f;
            step[i] = Math.Clamp(step[i] * eta, min, max);                      // clamp(Δη, Δ_min, Δ_max)
            if (eta == etaMinus) g = 0f;                                        // sign change: skip
            theta[i] -= Sign(g) * step[i];                                      // θ − sign(g)Δ
            prev[i] = g;
        }
    }
}
