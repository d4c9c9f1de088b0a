namespace Regularize.Optimizers.Kernels;

/// <summary>One parameter's update for the current step, ready to run on any range of its elements from any thread.</summary>
internal abstract class PlannedUpdate
{
    /// <summary>Updates elements [start, start + count); the scalar form only when <paramref name="scalarOnly"/>.</summary>
    public abstract void Run(int start, int count, bool scalarOnly);
}
