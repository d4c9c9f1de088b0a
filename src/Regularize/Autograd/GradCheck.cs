using Regularize.Tensors;

namespace Regularize.Autograd;

/// <summary>
/// Compares analytic gradients from <see cref="Tensor.Backward()"/> with central finite differences.
/// The function's output is reduced with uneven weights, <c>L = Σᵢ wᵢ·f(x)ᵢ</c> with wᵢ drawn from U(0.5, 1.5),
/// so an error that a plain sum would cancel (a rule off by a permutation, say) still shows.
/// </summary>
/// <remarks>
/// Tensors are float32, so the differences are taken in float32 and accumulated in double: with step h the
/// rounding error of a difference is about ε₃₂·|L|/h and the truncation error about h²·|f‴|/6, which is why the
/// default h is 1e-2 and why tolerances around 1e-2 (relative) are the right scale for float32 checks.
/// </remarks>
public static class GradCheck
{
    /// <summary>Runs the check.</summary>
    /// <param name="function">The function of the inputs; it must not depend on anything else that changes between calls.</param>
    /// <param name="inputs">The points at which to differentiate; their <c>RequiresGrad</c> is set and <c>Grad</c> cleared. Their values are restored afterwards.</param>
    /// <param name="step">The finite-difference step h.</param>
    /// <param name="seed">Seed of the output weighting.</param>
    public static GradCheckResult Check(Func<Tensor[], Tensor> function, Tensor[] inputs, float step = 1e-2f, ulong seed = 20261125)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be > 0, was {step}.");
        foreach (var x in inputs)
        {
            if (!x.IsLeaf) throw new ArgumentException("GradCheck inputs must be leaf tensors.", nameof(inputs));
            x.RequiresGrad = true;
            x.Grad = null;
        }

        var y = function(inputs);
        var weights = Tensor.RandomUniform(y.Shape.ToArray(), 0.5f, 1.5f, seed);
        (y * weights).Sum().Backward();

        double maxAbs = 0, maxRel = 0;
        int worstInput = -1, worstIndex = -1;
        double worstAnalytic = 0, worstNumeric = 0;
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                var x = inputs[i];
                var analytic = x.Grad?.ToArray() ?? new float[x.Length];
                var values = x.Span;
                for (int j = 0; j < x.Length; j++)
                {
                    float v = values[j];
                    values[j] = v + step;
                    double plus = Weighted(function(inputs), weights);
                    values[j] = v - step;
                    double minus = Weighted(function(inputs), weights);
                    values[j] = v;
                    double numeric = (plus - minus) / (2.0 * step);
                    double abs = Math.Abs(numeric - analytic[j]);
                    double rel = abs / Math.Max(1.0, Math.Max(Math.Abs(numeric), Math.Abs(analytic[j])));
                    if (double.IsNaN(abs) || rel > maxRel || (rel == maxRel && abs > maxAbs))
                    {
                        maxRel = double.IsNaN(abs) ? double.NaN : rel;
                        maxAbs = abs;
                        (worstInput, worstIndex, worstAnalytic, worstNumeric) = (i, j, analytic[j], numeric);
                    }
                }
            }
        }
        return new GradCheckResult(maxAbs, maxRel, worstInput, worstIndex, worstAnalytic, worstNumeric);
    }

    private static double Weighted(Tensor y, Tensor w)
    {
        ReadOnlySpan<float> ys = y.Span, ws = w.Span;
        double s = 0;
        for (int i = 0; i < ys.Length; i++) s += (double)ys[i] * ws[i];
        return s;
    }
}
