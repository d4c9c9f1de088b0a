namespace Regularize.Tensors;

/// <summary>Which form of GELU to compute (PyTorch's <c>approximate</c> argument of <c>GELU</c> and <c>gelu</c>).</summary>
public enum GeluApproximation
{
    /// <summary>The exact form <c>x·Φ(x) = ½x(1 + erf(x/√2))</c> (PyTorch's <c>approximate='none'</c>, the default).</summary>
    None,

    /// <summary>The tanh approximation <c>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c> (PyTorch's <c>approximate='tanh'</c>).</summary>
    Tanh,
}
