using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>The elementwise activation x·Φ(x) with Φ the standard normal CDF (the exact, erf-based form), as <c>torch.nn.GELU()</c> with its default <c>approximate='none'</c>. It has no parameters and accepts any shape.</summary>
public sealed class GELU : Module
{
    /// <summary>Applies the activation elementwise; the output has the input's shape.</summary>
    /// <param name="input">A tensor of any shape.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu();
    }
}
