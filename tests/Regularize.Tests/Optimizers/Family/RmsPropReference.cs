using static Regularize.Tests.Optimizers.Family.TorchFloat32;

namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// RMSprop as torch 1.13 computes it (torch/optim/rmsprop.py, <c>_single_tensor_rmsprop</c>), one element at a time:
/// <code>
/// g ← −g if maximize;  g ← g + λθ                      (coupled L2)
/// v ← αv + (1 − α)g²
/// centered:  ḡ ← αḡ + (1 − α)g;  ṽ ← v − ḡ²            else ṽ ← v
/// d ← √ṽ + ε                                            (ε outside the root)
/// μ > 0:  b ← μb + g/d;  θ ← θ − γb                     else θ ← θ − γ g/d
/// </code>
/// Slots: squareAvg (v), gradAvg (ḡ, centered), momentumBuffer (b, μ &gt; 0). All arithmetic float32 in torch's
/// op order (see <see cref="TorchFloat32"/>); 1 − α is formed in double and rounded once.
/// </summary>
internal static class RmsPropReference
{
    public static void Step(FamilyConfig c, float[] theta, float[] grad, FamilyState s)
    {
        int n = theta.Length;
        s.Step++;
        var v = s.Slot("squareAvg", n);
        var gAvg = c.Centered ? s.Slot("gradAvg", n) : null;
        var b = c.Momentum > 0 ? s.Slot("momentumBuffer", n) : null;
        float alpha = (float)c.Alpha, eps = (float)c.Epsilon, mu = (float)c.Momentum;
        for (int i = 0; i < n; i++)
        {
            float g = c.Maximize ? -grad[i] : grad[i];
            if (c.WeightDecay != 0) g = Add(g, theta[i], c.WeightDecay);        // g + λθ
            v[i] = AddCMul(v[i] * alpha, g, g, 1 - c.Alpha);                    // αv + (1 − α)g²
            float d;
            if (gAvg != null)
            {
                gAvg[i] = Add(gAvg[i] * alpha, g, 1 - c.Alpha);                 // αḡ + (1 − α)g
                d = MathF.Sqrt(AddCMul(v[i], gAvg[i], gAvg[i], -1));           // √(v − ḡ²)
            }
            else d = MathF.Sqrt(v[i]);
            d += eps;                                                           // √ṽ + ε
            if (b != null)
            {
                b[i] = AddCDiv(b[i] * mu, g, d, 1);                             // μb + g/d
                theta[i] = Add(theta[i], b[i], -c.LearningRate);                // θ − γb
            }
            else theta[i] = AddCDiv(theta[i], g, d, -c.LearningRate);           // θ − γ g/d
        }
    }
}
