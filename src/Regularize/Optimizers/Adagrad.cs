using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Adagrad (Duchi, Hazan &amp; Singer 2011, diagonal form) as PyTorch 1.13 defines it, with <b>coupled</b> L2 weight
/// decay: λθ is added to the gradient, so the sum of squares accumulates it. Optional learning-rate decay and a
/// non-zero starting value of the sum.
/// <code>
/// input: lr, η (learningRateDecay), τ (initialAccumulatorValue), ε, λ (weightDecay), θ₀, s₀ = τ
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                   (−∇f when maximize)
///   g  = g + λ·θₜ₋₁                 (coupled L2: s sees λθ)
///   lr̃ = lr / (1 + (t − 1)·η)
///   s  = s + g²
///   θₜ = θₜ₋₁ − lr̃·g / (√s + ε)      (ε outside the square root)
/// </code>
/// Computed in PyTorch 1.13's order (<c>_single_tensor_adagrad</c>, dense gradients): lr̃ in double once per step and
/// rounded once, then per element s = fma(g, g, s) (torch's fused <c>addcmul</c>) and θ = θ + (−lr̃·g)/(√s + ε). The
/// sum never decays, so the step of every weight shrinks over time even with η = 0. τ fills the slot when it is
/// created (a parameter's first step, or a step after an import that lacked it); changing τ later has no effect.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c> (default 1e-2)</description></item>
/// <item><term>η</term><description><c>learningRateDecay</c>, <see cref="LearningRateDecay"/> (default 0)</description></item>
/// <item><term>τ</term><description><c>initialAccumulatorValue</c>, <see cref="InitialAccumulatorValue"/> (default 0)</description></item>
/// <item><term>ε</term><description><c>epsilon</c> (default 1e-10, &gt; 0)</description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>s, t</term><description>slot <c>sum</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Adagrad : Optimizer
{
    private const int Sum = 0;

    /// <summary>η: the learning rate at step t is lr / (1 + (t − 1)·η); ≥ 0.</summary>
    public static Hyperparameter LearningRateDecay { get; } = Hyperparameter.Define("learningRateDecay", 0);

    /// <summary>τ: the value every element of the sum of squares starts from; ≥ 0.</summary>
    public static Hyperparameter InitialAccumulatorValue { get; } = Hyperparameter.Define("initialAccumulatorValue", 0);

    /// <summary>Creates Adagrad over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="learningRateDecay">η, ≥ 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="initialAccumulatorValue">τ, ≥ 0.</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adagrad(IEnumerable<Parameter> parameters, double learningRate = 1e-2, double learningRateDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double epsilon = 1e-10, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, learningRateDecay, weightDecay, initialAccumulatorValue, epsilon, maximize, l1, l1Mode)
    {
    }

    /// <summary>Creates Adagrad over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="learningRateDecay">η, ≥ 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="initialAccumulatorValue">τ, ≥ 0.</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adagrad(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double learningRateDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double epsilon = 1e-10, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, ["sum"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (LearningRateDecay, learningRateDecay), (Hyperparameter.WeightDecay, weightDecay),
             (InitialAccumulatorValue, initialAccumulatorValue), (Hyperparameter.Epsilon, epsilon), (Hyperparameter.L1, l1)],
            maximize: maximize, l1Mode: l1Mode)
    {
    }

    /// <summary>2⁶³, as for Adam: one g² cannot overflow the sum.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state)
    {
        if (state.Step > 0 && (state.Tensors is null || !state.Tensors.TryGetValue("sum", out var s) || s is null))
            throw new ArgumentException($"The state of parameter '{parameter.Name}' has step {state.Step} but lacks the tensor 'sum'.", nameof(state));
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        if (step.Allocate(Sum))
        {
            float tau = (float)g.Get(InitialAccumulatorValue);
            if (tau != 0) step.State[Sum]!.Span.Fill(tau);
        }
        double lr = g.LearningRate / (1 + (step.Step - 1) * g.Get(LearningRateDecay));
        step.Run(new Rule((float)g.Epsilon, (float)-lr));
    }

    /// <summary>s = fma(g, g, s);  θ = θ + (−lr̃·g) / (√s + ε).</summary>
    internal readonly struct Rule(float epsilon, float negLearningRate) : IUpdateRule<Rule>
    {
        private readonly float _epsilon = epsilon, _negLr = negLearningRate;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float sum = ref s[Sum];
            sum = MathF.FusedMultiplyAdd(g, g, sum);
            return theta + r._negLr * g / (MathF.Sqrt(sum) + r._epsilon);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var sum = TVec.FusedMultiplyAdd(g, g, s.Load<TVec>(Sum));
            s.Store(Sum, sum);
            return theta + TVec.Create(r._negLr) * g / (TVec.Sqrt(sum) + TVec.Create(r._epsilon));
        }
    }
}
