namespace Regularize.Optimizers.Kernels;

/// <summary>One parameter's update for the current step, ready to run on any range of its elements from any thread.</summary>
internal abstract class PlannedUpdate
{
    /// <summary>Updates elements [start, start + count); the scalar form only when <paramref name="scalarOnly"/>.</summary>
    public abstract void Run(int start, int count, bool scalarOnly);

    /// <summary>Whether the rule has a reduce phase (<see cref="IReducingRule{TSelf}"/>).</summary>
    public virtual bool Reduces => false;

    /// <summary>The reduce phase over elements [start, start + count): Σa² and Σb².</summary>
    public virtual (double A, double B) Reduce(int start, int count, bool scalarOnly) => throw new InvalidOperationException("This rule has no reduce phase.");

    /// <summary>Gives the rule the tensor's sums before the update phase.</summary>
    public virtual void Complete(double sumOfSquaresA, double sumOfSquaresB) { }
}
