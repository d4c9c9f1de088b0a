using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors;

namespace Regularize.Optimizers.Kernels;

/// <summary>
/// A <see cref="PlannedUpdate"/> for one combination of rule, decay piece and L1 piece; reused from step to
/// step while the combination stays, so a step allocates nothing.
/// </summary>
internal sealed class RulePlan<TRule, TDecay, TL1> : PlannedUpdate
    where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
{
    private TRule _rule;
    private LoopPieces _pieces;
    private Parameter _parameter = null!;
    private SlotState _state = null!;

    public void Set(in TRule rule, in LoopPieces pieces, Parameter parameter, SlotState state)
    {
        _rule = rule;
        _pieces = pieces;
        _parameter = parameter;
        _state = state;
    }

    public override void Run(int start, int count, bool scalarOnly)
    {
        var p = _parameter;
        ref float theta = ref Optimizer.AtElement(p.Value, start);
        ref float grad = ref Optimizer.AtElement(p.Grad!, start);
        var slots = _state.Tensors;
        int length = p.Length;
        ref float s0 = ref slots.Length > 0 && slots[0] is { } t0 && t0.Length == length ? ref Optimizer.AtElement(t0, start) : ref theta;
        ref float s1 = ref slots.Length > 1 && slots[1] is { } t1 && t1.Length == length ? ref Optimizer.AtElement(t1, start) : ref theta;
        ref float s2 = ref slots.Length > 2 && slots[2] is { } t2 && t2.Length == length ? ref Optimizer.AtElement(t2, start) : ref theta;
        ref float s3 = ref slots.Length > 3 && slots[3] is { } t3 && t3.Length == length ? ref Optimizer.AtElement(t3, start) : ref theta;
        FusedLoop.Run<TRule, TDecay, TL1>(_rule, _pieces, ref theta, ref grad, ref s0, ref s1, ref s2, ref s3, (nuint)count, scalarOnly);
    }
}
