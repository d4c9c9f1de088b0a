namespace Regularize.Nn;

/// <summary>The nonlinearity that follows a layer, for <see cref="Init.CalculateGain"/> (as <c>torch.nn.init.calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>No nonlinearity (identity, or a convolution/linear map): gain 1.</summary>
    Linear,

    /// <summary>Logistic sigmoid: gain 1.</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent: gain 5/3.</summary>
    Tanh,

    /// <summary>Rectified linear unit: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU with negative slope a: gain √(2 / (1 + a²)).</summary>
    LeakyRelu,

    /// <summary>SELU: gain 3/4.</summary>
    Selu,
}
