using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>The elementwise activation max(x, 0), as <c>torch.nn.ReLU</c>. Its derivative at 0 is taken as 0. It has no parameters and accepts any shape.</summary>
public sealed class ReLU : Module
{
    /// <summary>Applies the activation elementwise; the output has the input's shape.</summary>
    /// <param name="input">A tensor of any shape.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}
