using Regularize.Tensors;

namespace Regularize.Optimizers;

/// <summary>The state SGD and SgdW keep for one parameter.</summary>
public sealed class SgdState
{
    internal SgdState() { }

    /// <summary>The momentum buffer b, in gradient units; null until the first step with momentum seeds it with the gradient.</summary>
    public Tensor? MomentumBuffer { get; internal set; }
}
