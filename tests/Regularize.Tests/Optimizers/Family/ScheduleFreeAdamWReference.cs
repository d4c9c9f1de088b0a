namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// Schedule-Free AdamW (Defazio et al. 2024, "The Road Less Scheduled", arXiv:2405.15682, Algorithm 1; state layout
/// and the weighting by the largest lr so far as in the authors' facebookresearch/schedule_free
/// <c>adamw_schedulefree.py</c>, single-tensor path). The paper's three sequences:
/// <code>
/// y_t = (1 − β₁)z_t + β₁x_t                 (where gradients are taken: θ holds y in training mode)
/// v ← β₂v + (1 − β₂)g²
/// γ_t = γ·min(1, t/T_warmup)·√(1 − β₂ᵗ)
/// u = g/(√v + ε) + λy_t                      (decoupled decay, taken at y, scaled by γ_t)
/// z_{t+1} = z_t − γ_t·u
/// c_{t+1} = w_t / Σ_{i≤t} w_i,  w_t = t^r·(max_{i≤t} γ_i)^p      (p = 2, r = 0: the paper's γ_t²/Σγ_i²)
/// x_{t+1} = (1 − c)x_t + c·z_{t+1}           (x is what is evaluated)
/// </code>
/// x is never stored: substituting it gives y_{t+1} = y_t + c(z_t − y_t) + γ_t(β₁(1 − c) − 1)·u, which is how θ is
/// updated here. <see cref="ToEval"/> turns θ = y into x = y + (1 − 1/β₁)(z − y), <see cref="ToTrain"/> back:
/// y = x + (1 − β₁)(z − x). Slots: z (starts at θ), v; scalars lrMax, weightSum. Float32 elementwise, each
/// operation rounded; the step's scalars in double, rounded once.
/// </summary>
internal static class ScheduleFreeAdamWReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        bool first = !s.Slots.ContainsKey("z");
        var z = s.Slot("z", n);
        if (first) Array.Copy(theta, z, n);                                    // z₁ = x₁ = y₁
        var v = s.Slot("v", n);
        s.Step++;
        double t = s.Step;
        double sched = c.WarmupSteps > 0 && t <= c.WarmupSteps ? t / c.WarmupSteps : 1.0;
        double lr = c.LearningRate * sched * Math.Sqrt(1 - Math.Pow(c.Beta2, t));          // γ_t
        double lrMax = Math.Max(lr, s.Scalars.GetValueOrDefault("lrMax", -1.0));
        double weight = Math.Pow(t, c.AveragePower) * Math.Pow(lrMax, c.WeightLrPower);    // w_t
        double weightSum = s.Scalars.GetValueOrDefault("weightSum") + weight;
        s.Scalars["lrMax"] = lrMax;
        s.Scalars["weightSum"] = weightSum;
        double ck = weightSum != 0 ? weight / weightSum : 0;                               // c_{t+1}
        float beta2 = (float)c.Beta2, oneMinusBeta2 = (float)(1 - c.Beta2), eps = (float)c.Epsilon;
        float lambda = (float)c.WeightDecay, ckF = (float)ck;
        float yStep = (float)(lr * (c.Beta1 * (1 - ck) - 1)), zStep = (float)lr;
        for (int i = 0; i < n; i++)
        {
            float g = grad[i], y = theta[i];
            v[i] = v[i] * beta2 + oneMinusBeta2 * g * g;                       // β₂v + (1 − β₂)g²
            float u = g / (MathF.Sqrt(v[i]) + eps);                            // g/(√v + ε)
            if (c.WeightDecay != 0) u += lambda * y;                           // + λy
            y += ckF * (z[i] - y);                                             // y + c(z − y)
            theta[i] = y + yStep * u;                                          // + γ(β₁(1 − c) − 1)u
            z[i] -= zStep * u;                                                 // z − γu
        }
    }

    /// <summary>Training point y → evaluation point x = y + (1 − 1/β₁)(z − y). No-op before the first step.</summary>
    public static void ToEval(FamilyConfig c, float[] theta, FamilyState s) => Lerp(theta, s, 1 - 1 / c.Beta1);

    /// <summary>Evaluation point x → training point y = x + (1 − β₁)(z − x). No-op before the first step.</summary>
    public static void ToTrain(FamilyConfig c, float[] theta, FamilyState s) => Lerp(theta, s, 1 - c.Beta1);

    private static void Lerp(float[] theta, FamilyState s, double weight)
    {
        if (!s.Slots.TryGetValue("z", out var z)) return;
        float w = (float)weight;
        for (int i = 0; i < theta.Length; i++) theta[i] += w * (z[i] - theta[i]);
    }
}
