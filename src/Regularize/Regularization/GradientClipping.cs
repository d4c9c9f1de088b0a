using Regularize.Nn;
using Regularize.Tensors.Kernels;

namespace Regularize.Regularization;

/// <summary>Gradient clipping by global norm and by value. Parameters with a null gradient are ignored.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the L2 norm of all gradients
    /// taken together, and returns ‖g‖ before clipping. The sum of squares is taken in double in a fixed
    /// order, so the result is the same on every run and instruction set.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest allowed global norm, finite and &gt; 0.</param>
    /// <param name="errorIfNonFinite">Throw when a gradient holds NaN or ±∞ (the default); otherwise return the non-finite norm without changing anything.</param>
    /// <returns>The global norm before clipping.</returns>
    /// <exception cref="NonFiniteGradientException">A gradient is not finite; the message names the parameter.</exception>
    public static double ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm, bool errorIfNonFinite = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(double.IsFinite(maxNorm) && maxNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm must be > 0, was {maxNorm}.");
        var list = parameters as IReadOnlyList<Parameter> ?? parameters.ToList();
        double sum = 0;
        for (int i = 0; i < list.Count; i++)
        {
            var g = list[i].Grad;
            if (g is null) continue;
            double s = ReductionKernels.SumOfSquares(g.Span);
            if (!double.IsFinite(s) && !ReductionKernels.AllFinite(ref g.Span[0], (nuint)g.Length))
            {
                if (errorIfNonFinite) throw NonFinite(list[i]);
                return double.NaN;
            }
            sum += s;
        }
        double norm = Math.Sqrt(sum);
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1)
        {
            float f = (float)scale;
            for (int i = 0; i < list.Count; i++)
            {
                var g = list[i].Grad;
                if (g is null) continue;
                System.Numerics.Tensors.TensorPrimitives.Multiply(g.Span, f, g.Span);
            }
        }
        return norm;
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The bound, finite and &gt; 0.</param>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN (±∞ is clamped); the message names the parameter. Nothing is changed then.</exception>
    public static void ClipByValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(double.IsFinite(clipValue) && clipValue > 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"clipValue must be > 0, was {clipValue}.");
        var list = parameters as IReadOnlyList<Parameter> ?? parameters.ToList();
        foreach (var p in list)
        {
            if (p.Grad is { } g && HasNaN(g.Span)) throw NonFinite(p);
        }
        float c = (float)clipValue;
        foreach (var p in list)
        {
            if (p.Grad is not { } g) continue;
            System.Numerics.Tensors.TensorPrimitives.Clamp(g.Span, -c, c, g.Span);
        }
    }

    private static bool HasNaN(ReadOnlySpan<float> x)
    {
        foreach (float v in x) if (float.IsNaN(v)) return true;
        return false;
    }

    private static NonFiniteGradientException NonFinite(Parameter p) =>
        new(p.Name, $"The gradient of parameter '{p.Name}' holds NaN or infinity; no gradient was clipped.");
}
