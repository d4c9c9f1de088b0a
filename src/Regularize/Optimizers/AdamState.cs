using Regularize.Tensors;

namespace Regularize.Optimizers;

/// <summary>The state Adam and AdamW keep for one parameter.</summary>
public sealed class AdamState
{
    internal AdamState(Shape shape, bool amsGrad)
    {
        M = StaggeredAllocator.Zeros(shape, 1);
        V = StaggeredAllocator.Zeros(shape, 2);
        if (amsGrad) VMax = StaggeredAllocator.Zeros(shape, 3);
    }

    internal AdamState(Tensor m, Tensor v, Tensor? vMax, long step)
    {
        M = m;
        V = v;
        VMax = vMax;
        Step = step;
    }

    /// <summary>The number of updates applied, t (PyTorch's <c>step</c>).</summary>
    public long Step { get; internal set; }

    /// <summary>The first moment m (PyTorch's <c>exp_avg</c>), not bias-corrected.</summary>
    public Tensor M { get; }

    /// <summary>The second moment v (PyTorch's <c>exp_avg_sq</c>), not bias-corrected.</summary>
    public Tensor V { get; }

    /// <summary>AMSGrad's running maximum of v (PyTorch's <c>max_exp_avg_sq</c>); null without AMSGrad.</summary>
    public Tensor? VMax { get; internal set; }
}
