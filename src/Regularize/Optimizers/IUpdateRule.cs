using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// An optimizer's update rule for one element, written once as a scalar form (the oracle tests compare
/// against) and once as a vector form generic over the SIMD width. The shared loop runs the vector form at
/// the widest accelerated width, then narrower widths, then the scalar form on the tail; both forms must use
/// the same operations in the same order, so every width gives the same bits.
/// </summary>
/// <remarks>
/// The loop hands the rule θ and g after the decay and L1 pieces of the optimizer's
/// <see cref="Regularization.DecayPlacement"/>: g already holds −g when maximizing, + λθ when coupled and
/// + λ₁·sign(θ) for the L1 subgradient; θ is already shrunk by decoupled decay. The rule returns the new θ; the
/// loop then applies the proximal L1 step and stores it. The rule reads and writes its state through
/// <see cref="StateSlots"/> by slot number. Mark both forms <c>[MethodImpl(MethodImplOptions.AggressiveInlining)]</c>.
/// </remarks>
/// <typeparam name="TSelf">The rule: a readonly struct holding the step's scalars (computed once per step in double).</typeparam>
public interface IUpdateRule<TSelf> where TSelf : struct, IUpdateRule<TSelf>
{
    /// <summary>The scalar form: the new θ for one element.</summary>
    /// <param name="rule">The step's scalars.</param>
    /// <param name="theta">θ (after decoupled decay).</param>
    /// <param name="g">The gradient (after maximize, coupled L2 and the L1 subgradient).</param>
    /// <param name="state">The element's state slots.</param>
    static abstract float Update(in TSelf rule, float theta, float g, StateSlots state);

    /// <summary>The vector form: the new θ for <see cref="IFloatVector{TSelf}.Count"/> elements.</summary>
    /// <typeparam name="TVec">The width.</typeparam>
    /// <param name="rule">The step's scalars.</param>
    /// <param name="theta">θ (after decoupled decay).</param>
    /// <param name="g">The gradient (after maximize, coupled L2 and the L1 subgradient).</param>
    /// <param name="state">The elements' state slots.</param>
    static abstract TVec Update<TVec>(in TSelf rule, TVec theta, TVec g, StateSlots state) where TVec : struct, IFloatVector<TVec>;
}
