using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), as PyTorch 1.13 computes it, with <b>coupled</b>
/// L2 weight decay: λθ is added to the gradient, so both moments and the Nesterov term see it.
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), ψ (momentumDecay), θ₀, m₀ = 0, v₀ = 0, muProduct₀ = 1
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                     (−∇f when maximize)
///   g  = g + λ·θₜ₋₁                   (coupled L2)
///   μₜ = β₁·(1 − ½·0.96^(t·ψ));  μₜ₊₁ = β₁·(1 − ½·0.96^((t+1)·ψ))
///   muProduct = muProduct·μₜ          (per parameter, float32)
///   m  = β₁·m + (1 − β₁)·g
///   v  = β₂·v + (1 − β₂)·g²
///   d  = √(v / (1 − β₂ᵗ)) + ε
///   θₜ = θₜ₋₁ − lr·(1 − μₜ)/(1 − muProduct) · g/d − lr·μₜ₊₁/(1 − muProduct·μₜ·μₜ₊₁) · m/d
/// </code>
/// The last denominator is PyTorch 1.13's: its "next product" multiplies the already updated muProduct by μₜ once
/// more (the paper, and PyTorch from 2.0 on, use muProduct·μₜ₊₁); kept for parity with 1.13. It changes the
/// momentum step by about 14% at t = 1 with the defaults, and the difference fades as muProduct goes to 0.
/// Computed as PyTorch 1.13's <c>_single_tensor_nadam</c> does: μₜ, μₜ₊₁ in double; muProduct a float32 scalar
/// (rounded every step) and muProduct·μₜ·μₜ₊₁ in float32 from it; both step sizes in double from those float32
/// values, rounded once; per element m = fma(1 − β₁, g, m·β₁), v = fma((1 − β₂)·g, g, v·β₂),
/// d = √(v / (1 − β₂ᵗ)) + ε, then two separate updates θ = θ + (s₁·g)/d and θ = θ + (s₂·m)/d. ε is outside the root.
/// muProduct is a per-parameter scalar slot (shape [1]): <see cref="Plan"/> reads it and writes the next value
/// (<see cref="ParameterStep.SetScalar"/>); the fused loop never walks it.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>β₁, β₂, ε</term><description><c>beta1</c>, <c>beta2</c>, <c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>ψ</term><description><c>momentumDecay</c>, <see cref="MomentumDecay"/></description></item>
/// <item><term>m, v, muProduct, t</term><description>slots <c>m</c>, <c>v</c>, <c>muProduct</c> (length 1) and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class NAdam : Optimizer
{
    private const int M = 0, V = 1, MuProduct = 2;

    /// <summary>ψ, the momentum decay in μₜ = β₁·(1 − ½·0.96^(t·ψ)); ≥ 0, default 4e-3 (PyTorch's).</summary>
    public static Hyperparameter MomentumDecay { get; } = Hyperparameter.Define("momentumDecay", 4e-3);

    /// <summary>Creates NAdam over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="momentumDecay">ψ, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it (PyTorch 1.13's NAdam has no such option).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public NAdam(IEnumerable<Parameter> parameters, double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, beta1, beta2, epsilon, weightDecay, momentumDecay, maximize)
    {
    }

    /// <summary>Creates NAdam over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="momentumDecay">ψ, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public NAdam(IEnumerable<ParameterGroup> groups, double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3, bool maximize = false)
        : base(groups, ["m", "v", "muProduct"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2),
             (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay), (MomentumDecay, momentumDecay)],
            maximize: maximize)
    {
    }

    /// <summary>2⁶³, as for Adam: v cannot overflow.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <summary>muProduct is one number per parameter.</summary>
    /// <param name="slot">The slot number.</param>
    /// <param name="parameter">The parameter.</param>
    protected internal override Shape SlotShape(int slot, Parameter parameter) => slot == MuProduct ? new Shape(1) : parameter.Shape;

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state) => RequireSlots(parameter, state, "m", "v", "muProduct");

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(M);
        step.Allocate(V);
        if (step.Allocate(MuProduct)) step.State[MuProduct]!.Span[0] = 1f;
        double beta1 = g.Beta1, beta2 = g.Beta2, psi = g.Get(MomentumDecay), t = step.Step, lr = g.LearningRate;
        double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, t * psi));
        double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (t + 1) * psi));
        float muProduct = step.Scalar(MuProduct) * (float)mu;
        float muProductNext = muProduct * (float)mu * (float)muNext;
        step.SetScalar(MuProduct, muProduct);
        step.Run(new Rule(
            (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)(1 - Math.Pow(beta2, t)), (float)g.Epsilon,
            (float)(-lr * (1.0 - mu) / (1.0 - muProduct)), (float)(-lr * muNext / (1.0 - muProductNext))));
    }

    /// <summary>
    /// m = fma(1 − β₁, g, m·β₁);  v = fma((1 − β₂)·g, g, v·β₂);  d = √(v / (1 − β₂ᵗ)) + ε;
    /// θ = θ + (gradStep·g)/d;  θ = θ + (momentumStep·m)/d.
    /// </summary>
    internal readonly struct Rule(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float bc2, float epsilon,
        float gradStep, float momentumStep) : IUpdateRule<Rule>
    {
        private readonly float _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1, _beta2 = beta2, _oneMinusBeta2 = oneMinusBeta2;
        private readonly float _bc2 = bc2, _epsilon = epsilon, _gradStep = gradStep, _momentumStep = momentumStep;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float m = ref s[M];
            ref float v = ref s[V];
            m = MathF.FusedMultiplyAdd(r._oneMinusBeta1, g, m * r._beta1);
            v = MathF.FusedMultiplyAdd(r._oneMinusBeta2 * g, g, v * r._beta2);
            float d = MathF.Sqrt(v / r._bc2) + r._epsilon;
            theta += r._gradStep * g / d;
            return theta + r._momentumStep * m / d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var m = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta1), g, s.Load<TVec>(M) * TVec.Create(r._beta1));
            var v = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta2) * g, g, s.Load<TVec>(V) * TVec.Create(r._beta2));
            s.Store(M, m);
            s.Store(V, v);
            var d = TVec.Sqrt(v / TVec.Create(r._bc2)) + TVec.Create(r._epsilon);
            theta += TVec.Create(r._gradStep) * g / d;
            return theta + TVec.Create(r._momentumStep) * m / d;
        }
    }
}
