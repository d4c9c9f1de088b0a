using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Optimizers.Kernels;

/// <summary>
/// A <see cref="PlannedUpdate"/> for one combination of rule, decay piece and L1 piece; reused from step to
/// step while the combination stays, so a step allocates nothing.
/// </summary>
internal class RulePlan<TRule, TDecay, TL1> : PlannedUpdate
    where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
{
    private protected TRule Rule;
    private protected LoopPieces Pieces;
    private Parameter _parameter = null!;
    private SlotState _state = null!;

    public void Set(in TRule rule, in LoopPieces pieces, Parameter parameter, SlotState state)
    {
        Rule = rule;
        Pieces = pieces;
        _parameter = parameter;
        _state = state;
    }

    public override void Run(int start, int count, bool scalarOnly)
    {
        ref float theta = ref Optimizer.AtElement(_parameter.Value, start);
        FusedLoop.Run<TRule, TDecay, TL1>(Rule, Pieces, ref theta, ref Optimizer.AtElement(_parameter.Grad!, start),
            ref Slot(0, start, ref theta), ref Slot(1, start, ref theta), ref Slot(2, start, ref theta), ref Slot(3, start, ref theta),
            (nuint)count, scalarOnly, (nuint)start);
    }

    private protected Parameter Parameter => _parameter;

    /// <summary>Element <paramref name="start"/> of slot <paramref name="k"/> when it is allocated and parameter-shaped; otherwise <paramref name="fallback"/> (never touched by a correct rule).</summary>
    private protected ref float Slot(int k, int start, ref float fallback)
    {
        var slots = _state.Tensors;
        if (k < slots.Length && slots[k] is { } t && t.Length == _parameter.Length) return ref Optimizer.AtElement(t, start);
        return ref fallback;
    }
}
