using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// ASGD as torch 1.13 computes it (torch/optim/asgd.py, <c>_single_tensor_asgd</c>):
/// <code>
/// t ← t + 1;  g ← −g if maximize;  g ← g + λ_wd θ        (coupled L2)
/// θ ← θ(1 − λη)                                          (ASGD's own decay term, with η of the previous step)
/// θ ← θ − ηg
/// μ ≠ 1:  ā ← ā + μ(θ − ā)        else ā ← θ
/// η ← γ / (1 + λγt)^α;  μ ← 1 / max(1, t − t₀)           (double, stored as float32 0-dim tensors)
/// </code>
/// Slots: ax (ā), eta (η, length 1, η₀ = γ), mu (μ, length 1, μ₀ = 1). η and μ are read back as float32 values,
/// so 1 − λη is formed in double from float32 η.
/// </summary>
internal static class AsgdReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var ax = s.Slot("ax", n);
        var etaSlot = s.Slot("eta", 1, (float)c.LearningRate);
        var muSlot = s.Slot("mu", 1, 1f);
        s.Step++;
        double eta = etaSlot[0], mu = muSlot[0];
        float shrink = (float)(1 - c.Lambda * eta), muF = (float)mu;
        for (int i = 0; i < n; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λ_wd θ
            float th = theta[i] * shrink;                                       // θ(1 − λη)
            th = Add(th, g, -eta);                                              // θ − ηg
            theta[i] = th;
            ax[i] = mu != 1 ? ax[i] + (th - ax[i]) * muF : th;                  // ā + μ(θ − ā), or θ
        }
        etaSlot[0] = (float)(c.LearningRate / Math.Pow(1 + c.Lambda * c.LearningRate * s.Step, c.Alpha));
        muSlot[0] = (float)(1 / Math.Max(1, s.Step - c.T0));
    }
}
