namespace Regularize.Optimizers.Kernels;

/// <summary>
/// Work a plan attaches to a parameter whose rule needs statistics of the whole tensor that are not plain sums of
/// squares (Adafactor's row and column means of g²). A step runs every parameter's <see cref="Items"/> on any threads
/// in its statistics phase (after every plan, before the reduce phase), then <see cref="Complete"/> for each parameter
/// on the stepping thread. The items are fixed by the tensor's shape, never by the thread count, and
/// <see cref="Complete"/> combines them in a fixed order, so the result does not depend on the thread count.
/// </summary>
internal abstract class StatisticsPass
{
    /// <summary>How many independent items the pass has for its tensor.</summary>
    public abstract int Items { get; }

    /// <summary>Runs item <paramref name="item"/> (any thread; items write disjoint scratch); the scalar form only when <paramref name="scalarOnly"/>.</summary>
    public abstract void Run(int item, bool scalarOnly);

    /// <summary>Combines the items' results in a fixed order (stepping thread, after every item has run).</summary>
    public abstract void Complete();
}
