using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>The elementwise activation 1 / (1 + e^(−x)), as <c>torch.nn.Sigmoid</c>. It has no parameters and accepts any shape.</summary>
public sealed class Sigmoid : Module
{
    /// <summary>Applies the activation elementwise; the output has the input's shape.</summary>
    /// <param name="input">A tensor of any shape.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Sigmoid();
    }
}
