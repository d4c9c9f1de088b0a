namespace Regularize.Nn;

/// <summary>Which fan a Kaiming initialiser scales by (as the <c>mode</c> argument of <c>torch.nn.init.kaiming_*</c>).</summary>
public enum FanMode
{
    /// <summary>The number of inputs of a unit: preserves the variance of activations in the forward pass.</summary>
    FanIn,

    /// <summary>The number of outputs of a unit: preserves the variance of gradients in the backward pass.</summary>
    FanOut,
}
