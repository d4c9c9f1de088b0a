using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// The elementwise activation GELU, as <c>torch.nn.GELU(approximate=…)</c>: by default the exact form x·Φ(x) with Φ
/// the standard normal CDF (erf-based, PyTorch's default <c>approximate='none'</c>); with
/// <see cref="GeluApproximation.Tanh"/> the approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))). It has no
/// parameters and accepts any shape.
/// </summary>
public sealed class GELU : Module
{
    /// <summary>Creates the activation.</summary>
    /// <param name="approximation">The exact form (the default) or the tanh approximation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The approximation is not a defined value.</exception>
    public GELU(GeluApproximation approximation = GeluApproximation.None)
    {
        if (!Enum.IsDefined(approximation))
        {
            throw new ArgumentOutOfRangeException(nameof(approximation), approximation, $"GELU: approximation must be None or Tanh, was {approximation}.");
        }
        Approximation = approximation;
    }

    /// <summary>The form computed: exact or tanh-approximated.</summary>
    public GeluApproximation Approximation { get; }

    /// <summary>Applies the activation elementwise; the output has the input's shape.</summary>
    /// <param name="input">A tensor of any shape.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Approximation == GeluApproximation.None ? input.Gelu() : input.Gelu(Approximation);
    }
}
