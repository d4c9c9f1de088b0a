using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with <b>decoupled</b> weight decay. The weight shrinks by a factor
/// outside the moments, before the Adam step, exactly as PyTorch orders it; the gradient and the moments
/// never see λ. For L2 added to the gradient use <see cref="Adam"/>.
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), λ₁ (l1), θ₀, m₀ = 0, v₀ = 0, vMax₀ = 0
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                     (−∇f when maximize)
///   g  = g + λ₁·sign(θₜ₋₁)             (only with L1Mode.Subgradient)
///   θ  = θₜ₋₁·(1 − lr·λ)               (DecayScaling.LearningRate, PyTorch, the default)
///   θ  = θₜ₋₁ − ηₜ·λ·θₜ₋₁              (DecayScaling.ScheduleMultiplier, the paper; ηₜ = lr / initial lr)
///   m  = β₁·m + (1 − β₁)·g
///   v  = β₂·v + (1 − β₂)·g²
///   vMax = max(vMax, v)                (amsGrad; then vMax replaces v below)
///   mHat = m / (1 − β₁ᵗ)
///   vHat = √v / √(1 − β₂ᵗ)
///   θₜ = θ − lr·mHat / (vHat + ε)
///   θₜ = sign(θₜ)·max(|θₜ| − lr·λ₁, 0)  (only with L1Mode.Proximal)
/// </code>
/// The rule is <see cref="Adam"/>'s, unchanged; only the placement differs (<see cref="DecayPlacement.Decoupled"/>: the
/// shared loop shrinks θ before the rule runs). ε must be &gt; 0 and large gradients are rejected as for Adam.
/// The default λ is 1e-2, as in PyTorch. With <see cref="DecayScaling.LearningRate"/> a weight decays by
/// lr·λ per step; with <see cref="DecayScaling.ScheduleMultiplier"/> by ηₜ·λ, so λ no longer depends on
/// the base learning rate (choose λ about lr times the PyTorch value).
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>β₁, β₂</term><description><c>beta1</c>, <c>beta2</c></description></item>
/// <item><term>ε</term><description><c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (decoupled)</description></item>
/// <item><term>ηₜ</term><description><see cref="ParameterGroup.ScheduleMultiplier"/>, or lr / <see cref="ParameterGroup.InitialLearningRate"/></description></item>
/// <item><term>λ₁</term><description><c>l1</c>, with <c>l1Mode</c></description></item>
/// <item><term>m, v, vMax, t</term><description>slots <c>m</c>, <c>v</c>, <c>vMax</c> and <see cref="SlotState.Step"/> (<see cref="Optimizer.StateOf"/>)</description></item>
/// </list>
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates AdamW over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, decoupled, ≥ 0 (PyTorch's default 1e-2).</param>
    /// <param name="amsGrad">Use AMSGrad's running maximum of v.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="decayScaling">What λ is multiplied by: lr (PyTorch) or ηₜ (paper).</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public AdamW(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 1e-2, bool amsGrad = false, bool maximize = false,
        DecayScaling decayScaling = DecayScaling.LearningRate, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, maximize, decayScaling, l1, l1Mode)
    {
    }

    /// <summary>Creates AdamW over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, decoupled, ≥ 0 (PyTorch's default 1e-2).</param>
    /// <param name="amsGrad">Use AMSGrad's running maximum of v.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="decayScaling">What λ is multiplied by: lr (PyTorch) or ηₜ (paper).</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 1e-2, bool amsGrad = false, bool maximize = false,
        DecayScaling decayScaling = DecayScaling.LearningRate, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, Adam.Slots, DecayPlacement.Decoupled, Adam.Defaults(learningRate, beta1, beta2, epsilon, weightDecay, l1),
            decayScaling, maximize, l1Mode)
    {
        foreach (var g in ParameterGroups) g.AmsGrad ??= amsGrad;
    }

    /// <inheritdoc/>
    protected override float GradientBound => Adam.GradientLimit;

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step) => Adam.PlanStep(step);

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state) => Adam.RequireMoments(parameter, state);
}
