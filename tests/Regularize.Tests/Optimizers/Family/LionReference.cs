namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", arXiv:2302.06675, Algorithm 2 and
/// Program 1; semantics as in the authors' google/automl <c>lion/lion_pytorch.py</c>):
/// <code>
/// c ← β₁m + (1 − β₁)g                     (the interpolation only decides the sign)
/// θ ← θ(1 − γλ)                           (decoupled decay, γ·λ, on θ of the previous step)
/// θ ← θ − γ·sign(c)                        (every element moves by exactly γ, or 0 where c = 0)
/// m ← β₂m + (1 − β₂)g                     (the momentum uses β₂, not β₁)
/// </code>
/// Slot: m. Float32, each operation rounded (no fused multiply-add); 1 − β and 1 − γλ formed in double.
/// </summary>
internal static class LionReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        var m = s.Slot("m", n);
        s.Step++;
        float beta1 = (float)c.Beta1, oneMinusBeta1 = (float)(1 - c.Beta1);
        float beta2 = (float)c.Beta2, oneMinusBeta2 = (float)(1 - c.Beta2);
        float lr = (float)c.LearningRate, shrink = (float)(1 - c.LearningRate * c.WeightDecay);
        for (int i = 0; i < n; i++)
        {
            float g = grad[i];
            float interp = m[i] * beta1 + oneMinusBeta1 * g;                  // c = β₁m + (1 − β₁)g
            float th = theta[i];
            if (c.WeightDecay != 0) th *= shrink;                              // θ(1 − γλ)
            theta[i] = th - lr * TorchFloat32.Sign(interp);                    // θ − γ sign(c)
            m[i] = m[i] * beta2 + oneMinusBeta2 * g;                           // m = β₂m + (1 − β₂)g
        }
    }
}
