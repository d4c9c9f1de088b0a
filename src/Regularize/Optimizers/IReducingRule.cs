using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// A rule that needs two sums over each tensor before it can update it (the squared norms of θ and of the update
/// for LAMB's and LARS's trust ratios). A step then runs two phases per parameter: <see cref="Reduce(in TSelf, float, float, StateSlots, out float, out float)"/>
/// over every element (it may update slots, and yields two values a and b per element), then
/// <see cref="Complete"/> with Σa² and Σb², then the usual <see cref="IUpdateRule{TSelf}.Update(in TSelf, float, float, StateSlots)"/>.
/// </summary>
/// <remarks>
/// The sums are taken in double over a fixed partition of the tensor, element i into accumulator i mod 32 in index
/// order, and combined in a fixed order, so they have the same bits at every SIMD width and thread count. The
/// reduce phase sees g after maximize and the coupled pieces, and θ before any decoupled shrink; it must not
/// change θ. A rule without reductions stays one pass over memory; this one costs a second.
/// </remarks>
/// <typeparam name="TSelf">The rule.</typeparam>
public interface IReducingRule<TSelf> : IUpdateRule<TSelf> where TSelf : struct, IReducingRule<TSelf>
{
    /// <summary>The reduce phase, scalar form: update slots as needed and yield the two values whose squares are summed.</summary>
    /// <param name="rule">The step's scalars.</param>
    /// <param name="theta">θ, unchanged by this phase.</param>
    /// <param name="g">The gradient (after maximize and the coupled pieces).</param>
    /// <param name="state">The element's slots.</param>
    /// <param name="a">The first value (summed as Σa²).</param>
    /// <param name="b">The second value (summed as Σb²).</param>
    static abstract void Reduce(in TSelf rule, float theta, float g, StateSlots state, out float a, out float b);

    /// <summary>The reduce phase, vector form; the same operations as the scalar form.</summary>
    /// <typeparam name="TVec">The width.</typeparam>
    /// <param name="rule">The step's scalars.</param>
    /// <param name="theta">θ, unchanged by this phase.</param>
    /// <param name="g">The gradient (after maximize and the coupled pieces).</param>
    /// <param name="state">The elements' slots.</param>
    /// <param name="a">The first values.</param>
    /// <param name="b">The second values.</param>
    static abstract void Reduce<TVec>(in TSelf rule, TVec theta, TVec g, StateSlots state, out TVec a, out TVec b) where TVec : struct, IFloatVector<TVec>;

    /// <summary>The rule for the update phase, given the tensor's Σa² and Σb² (for example with its trust ratio).</summary>
    /// <param name="rule">The step's scalars.</param>
    /// <param name="sumOfSquaresA">Σa² over the tensor.</param>
    /// <param name="sumOfSquaresB">Σb² over the tensor.</param>
    static abstract TSelf Complete(in TSelf rule, double sumOfSquaresA, double sumOfSquaresB);
}
