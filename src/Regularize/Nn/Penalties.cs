using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Regularisation terms to add to a loss: each returns a scalar tensor on the autograd graph, so its gradient
/// reaches the parameters through <c>Backward()</c> with the loss's.
/// </summary>
/// <remarks>
/// <para>Choose the parameters by name, e.g.
/// <c>loss + Penalties.L2(model.NamedParameters().Where(np =&gt; np.Name.EndsWith("weight")).Select(np =&gt; np.Parameter), 1e-4)</c>.</para>
/// <para><b>Penalty L2 is coupled decay.</b> Adding (λ/2)·Σw² to the loss adds λw to the gradient, and the
/// optimizer then treats it like the rest of the gradient: with Adam it is divided by √v̂ along with it, so
/// weights with large gradient variance are decayed less. That is "Adam with L2", not AdamW: decoupled
/// weight decay shrinks the weights by lr·λ·w outside the adaptive scaling, and belongs in the optimizer (its
/// <c>weightDecay</c>), not in the loss. With plain SGD without momentum the two coincide.</para>
/// </remarks>
public static class Penalties
{
    /// <summary>The L1 penalty λ·Σ|w| over every element of the given parameters; its (sub)gradient is λ·sign(w), with sign(0) = 0.</summary>
    /// <param name="parameters">The parameters to penalise; each is counted once even if listed twice.</param>
    /// <param name="lambda">λ, not negative.</param>
    /// <returns>A scalar tensor (0 when there are no parameters).</returns>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    public static Tensor L1(IEnumerable<Parameter> parameters, double lambda)
    {
        CheckLambda(lambda);
        return Accumulate(parameters, p => p.Value.Abs().Sum(), (float)lambda);
    }

    /// <summary>The L2 penalty (λ/2)·Σw² over every element of the given parameters; its gradient is λ·w (coupled decay: see the remarks of <see cref="Penalties"/>).</summary>
    /// <param name="parameters">The parameters to penalise; each is counted once even if listed twice.</param>
    /// <param name="lambda">λ, not negative.</param>
    /// <returns>A scalar tensor (0 when there are no parameters).</returns>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite.</exception>
    public static Tensor L2(IEnumerable<Parameter> parameters, double lambda)
    {
        CheckLambda(lambda);
        return Accumulate(parameters, p => p.Value.Square().Sum(), (float)(lambda / 2));
    }

    private static void CheckLambda(double lambda)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"lambda must be finite and >= 0, was {lambda}.");
        }
    }

    private static Tensor Accumulate(IEnumerable<Parameter> parameters, Func<Parameter, Tensor> term, float scale)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor? total = null;
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!seen.Add(p)) continue;
            var t = term(p);
            total = total is null ? t : total + t;
        }
        return total is null ? Tensor.Scalar(0f) : total * scale;
    }
}
