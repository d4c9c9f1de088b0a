namespace Regularize.Nn;

/// <summary>What <see cref="DropPath"/> drops together: each example's branch on its own, or the whole batch's.</summary>
public enum DropPathMode
{
    /// <summary>One draw per example (axis 0): each example's residual branch is dropped on its own (torchvision's <c>"row"</c>, timm's <c>drop_path</c>).</summary>
    Row,

    /// <summary>One draw per call: the branch is dropped for every example of the batch at once (torchvision's <c>"batch"</c>, the original paper's form).</summary>
    Batch,
}
