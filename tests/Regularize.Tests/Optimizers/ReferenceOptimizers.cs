using Regularize.Regularization;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// Scalar reference optimizers, one element at a time, written to mirror the update equations line by
/// line (see docs/optimizers.md). Arithmetic is float32 with the per-step scalars computed in double and
/// rounded once, in PyTorch 1.13's operation order, with a fused multiply-add wherever its CPU kernels fuse one
/// (<c>add(x, alpha)</c>, <c>addcmul</c>; not <c>addcdiv</c>), so these are torch's bits, and the SIMD kernels must
/// reproduce them exactly.
/// </summary>
internal static class ReferenceOptimizers
{
    public static void Step(RefConfig c, float[] theta, float[] grad, RefState s)
    {
        if (c.Optimizer is "Adam" or "AdamW") Adam(c, theta, grad, s);
        else Sgd(c, theta, grad, s);
    }

    private static float Sign(float x) => x > 0 ? 1f : x < 0 ? -1f : 0f;

    public static void Sgd(RefConfig c, float[] theta, float[] grad, RefState s)
    {
        bool decoupled = c.Optimizer == "SgdW";
        float lambda = (float)c.WeightDecay;                                   // coupled λ
        float shrink = (float)(1 - (c.DecayRate ?? c.LearningRate) * c.WeightDecay); // 1 − lr·λ
        float mu = (float)c.Momentum, oneMinusTau = (float)(1 - c.Dampening);
        float negLr = (float)-c.LearningRate, l1 = (float)c.L1, threshold = (float)(c.LearningRate * c.L1);
        bool seed = false;
        if (c.Momentum != 0 && s.Buffer is null) { s.Buffer = new float[theta.Length]; seed = true; }
        for (int i = 0; i < theta.Length; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];                        // g = ∇f (or −∇f)
            if (!decoupled && c.WeightDecay != 0) g = MathF.FusedMultiplyAdd(lambda, theta[i], g); // g = g + λθ, one rounding
            if (c.L1 != 0 && c.L1Mode == L1Mode.Subgradient) g = g + l1 * Sign(theta[i]); // g = g + λ₁ sign(θ)
            float th = theta[i];
            if (decoupled && c.WeightDecay != 0) th = th * shrink;             // θ = θ(1 − lr·λ)
            if (c.Momentum != 0)
            {
                float b = seed ? g : MathF.FusedMultiplyAdd(oneMinusTau, g, s.Buffer![i] * mu); // b = g (t = 1) or μb + (1 − τ)g
                s.Buffer![i] = b;
                g = c.Nesterov ? MathF.FusedMultiplyAdd(mu, b, g) : b;         // g = g + μb or g = b
            }
            th = MathF.FusedMultiplyAdd(negLr, g, th);                         // θ = θ − lr·g
            if (c.L1 != 0 && c.L1Mode == L1Mode.Proximal)
                th = MathF.CopySign(MathF.Max(MathF.Abs(th) - threshold, 0f), th); // soft threshold
            theta[i] = th;
        }
    }

    public static void Adam(RefConfig c, float[] theta, float[] grad, RefState s)
    {
        bool decoupled = c.Optimizer == "AdamW";
        s.M ??= new float[theta.Length];
        s.V ??= new float[theta.Length];
        if (c.AmsGrad) s.VMax ??= new float[theta.Length];
        s.Step++;
        double t = s.Step;
        double biasCorrection1 = 1 - Math.Pow(c.Beta1, t);
        double biasCorrection2 = 1 - Math.Pow(c.Beta2, t);
        float negStepSize = (float)-(c.LearningRate / biasCorrection1);
        float bc2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float beta1 = (float)c.Beta1, oneMinusBeta1 = (float)(1 - c.Beta1);
        float beta2 = (float)c.Beta2, oneMinusBeta2 = (float)(1 - c.Beta2);
        float eps = (float)c.Epsilon, lambda = (float)c.WeightDecay;
        float shrink = (float)(1 - (c.DecayRate ?? c.LearningRate) * c.WeightDecay);
        float l1 = (float)c.L1, threshold = (float)(c.LearningRate * c.L1);
        for (int i = 0; i < theta.Length; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];                        // g = ∇f (or −∇f)
            if (!decoupled && c.WeightDecay != 0) g = MathF.FusedMultiplyAdd(lambda, theta[i], g); // g = g + λθ, one rounding (Adam)
            if (c.L1 != 0 && c.L1Mode == L1Mode.Subgradient) g = g + l1 * Sign(theta[i]);
            float th = theta[i];
            if (decoupled && c.WeightDecay != 0) th = th * shrink;             // θ = θ(1 − lr·λ) (AdamW)
            float m = MathF.FusedMultiplyAdd(oneMinusBeta1, g, s.M[i] * beta1); // m = β₁m + (1 − β₁)g
            float v = MathF.FusedMultiplyAdd(oneMinusBeta2 * g, g, s.V[i] * beta2); // v = β₂v + (1 − β₂)g²
            s.M[i] = m;
            s.V[i] = v;
            if (c.AmsGrad) { s.VMax![i] = MathF.Max(s.VMax[i], v); v = s.VMax[i]; } // vMax = max(vMax, v)
            float denom = MathF.Sqrt(v) / bc2Sqrt + eps;                       // vHat + ε = √v/√(1 − β₂ᵗ) + ε
            th = th + negStepSize * m / denom;                                 // θ = θ − (lr/(1 − β₁ᵗ) · m)/denom
            if (c.L1 != 0 && c.L1Mode == L1Mode.Proximal)
                th = MathF.CopySign(MathF.Max(MathF.Abs(th) - threshold, 0f), th);
            theta[i] = th;
        }
    }
}
