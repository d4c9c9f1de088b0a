using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Adadelta as torch 1.13 computes it (torch/optim/adadelta.py, <c>_single_tensor_adadelta</c>):
/// <code>
/// g ← −g if maximize;  g ← g + λθ                      (coupled L2)
/// v ← ρv + (1 − ρ)g²
/// Δ ← √(u + ε) / √(v + ε) · g                          (u of the previous step; ε inside both roots)
/// u ← ρu + (1 − ρ)Δ²
/// θ ← θ − γΔ
/// </code>
/// Slots: squareAvg (v), accDelta (u). Float32 in torch's op order: (√(u + ε) / √(v + ε)) · g.
/// </summary>
internal static class AdadeltaReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        s.Step++;
        var v = s.Slot("squareAvg", n);
        var u = s.Slot("accDelta", n);
        float rho = (float)c.Rho, eps = (float)c.Epsilon;
        for (int i = 0; i < n; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λθ
            v[i] = AddCMul(v[i] * rho, g, g, 1 - c.Rho);                        // ρv + (1 − ρ)g²
            float std = MathF.Sqrt(v[i] + eps);                                 // √(v + ε)
            float delta = MathF.Sqrt(u[i] + eps) / std * g;                     // √(u + ε)/√(v + ε) · g
            u[i] = AddCMul(u[i] * rho, delta, delta, 1 - c.Rho);                // ρu + (1 − ρ)Δ²
            theta[i] = Add(theta[i], delta, -c.LearningRate);                   // θ − γΔ
        }
    }
}
