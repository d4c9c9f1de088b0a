using Regularize.Regularization;

namespace Regularize.Optimizers.Kernels;

/// <summary>A <see cref="RulePlan{TRule, TDecay, TL1}"/> whose rule has a reduce phase before its update phase.</summary>
internal sealed class ReducingRulePlan<TRule, TDecay, TL1> : RulePlan<TRule, TDecay, TL1>
    where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
{
    public override bool Reduces => true;

    public override (double A, double B) Reduce(int start, int count, bool scalarOnly)
    {
        ref float theta = ref Optimizer.AtElement(Parameter.Value, start);
        return FusedLoop.Reduce<TRule, TDecay, TL1>(Rule, Pieces, ref theta, ref Optimizer.AtElement(Parameter.Grad!, start),
            ref Slot(0, start, ref theta), ref Slot(1, start, ref theta), ref Slot(2, start, ref theta), ref Slot(3, start, ref theta),
            (nuint)count, scalarOnly, (nuint)start);
    }

    public override void Complete(double sumOfSquaresA, double sumOfSquaresB) => Rule = TRule.Complete(Rule, sumOfSquaresA, sumOfSquaresB);
}
