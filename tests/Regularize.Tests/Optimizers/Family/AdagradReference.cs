using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Adagrad as torch 1.13 computes it (torch/optim/adagrad.py, <c>_single_tensor_adagrad</c>, dense gradients):
/// <code>
/// t ← t + 1;  γ̃ ← γ / (1 + (t − 1)η)                  (double)
/// g ← −g if maximize;  g ← g + λθ                      (coupled L2)
/// s ← s + g²                                            (s₀ = τ, the initial accumulator value)
/// θ ← θ − γ̃ g / (√s + ε)
/// </code>
/// Slot: sum (s). Float32 in torch's op order; γ̃ in double, rounded once.
/// </summary>
internal static class AdagradReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var sum = s.Slot("sum", n, (float)c.InitialAccumulatorValue);
        s.Step++;
        double clr = c.LearningRate / (1 + (s.Step - 1) * c.LearningRateDecay);  // γ̃
        float eps = (float)c.Epsilon;
        for (int i = 0; i < n; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λθ
            sum[i] = AddCMul(sum[i], g, g, 1);                                  // s + g²
            float std = MathF.Sqrt(sum[i]) + eps;                               // √s + ε
            theta[i] = AddCDiv(theta[i], g, std, -clr);                         // θ − γ̃ g/(√s + ε)
        }
    }
}
