using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2) with <b>decoupled</b>
/// weight decay: the update is the sign of an interpolation of the momentum and the gradient, so every element
/// moves by exactly lr, and the weight shrinks outside the momentum.
/// <code>
/// input: lr, β₁, β₂, λ (weightDecay), θ₀, m₀ = 0
/// for t = 1, 2, …:
///   g = ∇f(θₜ₋₁)                    (−∇f when maximize)
///   θ = θₜ₋₁·(1 − lr·λ)              (DecayScaling.LearningRate, the paper's form; ηₜ·λ with ScheduleMultiplier)
///   c = β₁·m + (1 − β₁)·g
///   θₜ = θ − lr·sign(c)              (sign(0) = 0)
///   m = β₂·m + (1 − β₂)·g
/// </code>
/// The paper writes θₜ = θₜ₋₁ − lr·(sign(c) + λ·θₜ₋₁), which is the same update. Because |sign(c)| = 1, Lion's
/// update is larger than Adam's: the paper uses an lr 3–10× smaller and a λ 3–10× larger. L1 and maximize
/// compose as for every optimizer.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>β₁, β₂</term><description><c>beta1</c>, <c>beta2</c> (<see cref="Hyperparameter.Beta1"/>, <see cref="Hyperparameter.Beta2"/>)</description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (decoupled)</description></item>
/// <item><term>m</term><description>slot <c>m</c> (<see cref="Optimizer.StateOf"/>)</description></item>
/// </list>
/// </summary>
public sealed class Lion : Optimizer
{
    private const int M = 0;

    /// <summary>Creates Lion over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1): the interpolation that is signed.</param>
    /// <param name="beta2">β₂, in [0, 1): the momentum's decay.</param>
    /// <param name="weightDecay">λ, decoupled, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="decayScaling">What λ is multiplied by: lr (the paper's form) or ηₜ.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Lion(IEnumerable<Parameter> parameters, double learningRate = 1e-4, double beta1 = 0.9, double beta2 = 0.99,
        double weightDecay = 0, bool maximize = false, DecayScaling decayScaling = DecayScaling.LearningRate)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, beta1, beta2, weightDecay, maximize, decayScaling)
    {
    }

    /// <summary>Creates Lion over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="weightDecay">λ, decoupled, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="decayScaling">What λ is multiplied by: lr (the paper's form) or ηₜ.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Lion(IEnumerable<ParameterGroup> groups, double learningRate = 1e-4, double beta1 = 0.9, double beta2 = 0.99,
        double weightDecay = 0, bool maximize = false, DecayScaling decayScaling = DecayScaling.LearningRate)
        : base(groups, ["m"], DecayPlacement.Decoupled,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2), (Hyperparameter.WeightDecay, weightDecay)],
            decayScaling, maximize)
    {
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(M);
        step.Run(new Rule((float)g.Beta1, (float)(1 - g.Beta1), (float)g.Beta2, (float)(1 - g.Beta2), (float)-g.LearningRate));
    }

    /// <summary>c = β₁·m + (1 − β₁)·g;  m = β₂·m + (1 − β₂)·g;  θ = θ + (−lr)·sign(c).</summary>
    internal readonly struct Rule(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float negLearningRate) : IUpdateRule<Rule>
    {
        private readonly float _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1, _beta2 = beta2, _oneMinusBeta2 = oneMinusBeta2, _negLr = negLearningRate;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float m = ref s[M];
            float c = r._beta1 * m + r._oneMinusBeta1 * g;
            m = r._beta2 * m + r._oneMinusBeta2 * g;
            return theta + r._negLr * (c == 0f ? 0f : MathF.CopySign(1f, c));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var m = s.Load<TVec>(M);
            var c = TVec.Create(r._beta1) * m + TVec.Create(r._oneMinusBeta1) * g;
            s.Store(M, TVec.Create(r._beta2) * m + TVec.Create(r._oneMinusBeta2) * g);
            return theta + TVec.Create(r._negLr) * TVec.Sign(c);
        }
    }
}
