namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// LARS (You, Gitman, Ginsburg 2017, "Large Batch Training of Convolutional Networks", arXiv:1708.03888,
/// Algorithm 1), per tensor (layer):
/// <code>
/// q ← η‖θ‖ / (‖g‖ + λ‖θ‖ + ε)              (local lr; q ← 1 if ‖θ‖ = 0 or ‖g‖ = 0, or the tensor is excluded)
/// u ← g + λθ                                (coupled L2: the decay is in the momentum and in the trust ratio)
/// b ← μb + γ·q·u                            (the global lr γ inside the momentum, as in the paper)
/// θ ← θ − b
/// </code>
/// Excluded tensors (biases and normalisation parameters, LayerAdaptation off) take q = 1; the usual practice
/// (Goyal et al. 2017; the SimCLR and NVIDIA LARC implementations) also gives them λ = 0, which is a group
/// setting here. ε is 0 in the paper and a small constant (e.g. 1e-9) in common implementations.
/// Slot: momentumBuffer (b). Elementwise float32, each operation rounded; norms in double, γq rounded once.
/// With q = 1, λ = 0 and a constant γ this is torch's SGD with momentum (b_torch = b/γ).
/// </summary>
internal static class LarsReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var b = s.Slot("momentumBuffer", n);
        s.Step++;
        double thetaSq = 0, gSq = 0;
        for (int i = 0; i < n; i++)
        {
            thetaSq += (double)theta[i] * theta[i];
            gSq += (double)grad[i] * grad[i];
        }
        double thetaNorm = Math.Sqrt(thetaSq), gNorm = Math.Sqrt(gSq);
        double q = c.LayerAdaptation && thetaNorm > 0 && gNorm > 0
            ? c.TrustCoefficient * thetaNorm / (gNorm + c.WeightDecay * thetaNorm + c.Epsilon)   // η‖θ‖/(‖g‖ + λ‖θ‖ + ε)
            : 1;
        float scaledLr = (float)(c.LearningRate * q), mu = (float)c.Momentum, lambda = (float)c.WeightDecay;
        for (int i = 0; i < n; i++)
        {
            float u = grad[i] + lambda * theta[i];                             // g + λθ
            b[i] = mu * b[i] + scaledLr * u;                                   // μb + γq·u
            theta[i] -= b[i];                                                  // θ − b
        }
    }
}
