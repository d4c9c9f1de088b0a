using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>
/// SGD with <b>decoupled</b> weight decay (SGDW, Loshchilov &amp; Hutter, Algorithm 1): the weight shrinks
/// outside the gradient, so the momentum buffer never sees λ. Without momentum it follows the same
/// trajectory as <see cref="Sgd"/> with coupled L2 of the same λ (up to rounding); with momentum the two differ,
/// because coupled decay accumulates in the buffer.
/// <code>
/// input: lr, μ (momentum), τ (dampening), λ (weightDecay), nesterov, λ₁ (l1), θ₀
/// for t = 1, 2, …:
///   g = ∇f(θₜ₋₁)                       (−∇f when maximize)
///   g = g + λ₁·sign(θₜ₋₁)               (only with L1Mode.Subgradient)
///   θ = θₜ₋₁·(1 − lr·λ)                 (DecayScaling.LearningRate, PyTorch-style, the default)
///   θ = θₜ₋₁ − ηₜ·λ·θₜ₋₁                (DecayScaling.ScheduleMultiplier, the paper; ηₜ = lr / initial lr)
///   if μ ≠ 0:
///     b = g                  if t = 1
///     b = μ·b + (1 − τ)·g    otherwise
///     g = g + μ·b            if nesterov
///     g = b                  otherwise
///   θₜ = θ − lr·g
///   θₜ = sign(θₜ)·max(|θₜ| − lr·λ₁, 0)   (only with L1Mode.Proximal)
/// </code>
/// The rule is <see cref="Sgd"/>'s, unchanged; only the placement differs (<see cref="DecayPlacement.Decoupled"/>).
/// The buffer b is kept in gradient units with lr applied outside it (PyTorch's form); the paper keeps
/// lr inside (m = μ·m + ηₜ·α·g). The two agree while lr is constant.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>μ</term><description><c>momentum</c></description></item>
/// <item><term>τ</term><description><c>dampening</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (decoupled)</description></item>
/// <item><term>ηₜ</term><description><see cref="ParameterGroup.ScheduleMultiplier"/>, or lr / <see cref="ParameterGroup.InitialLearningRate"/></description></item>
/// <item><term>λ₁</term><description><c>l1</c>, with <c>l1Mode</c></description></item>
/// <item><term>b</term><description>slot <c>momentumBuffer</c> (<see cref="Optimizer.StateOf"/>)</description></item>
/// </list>
/// </summary>
public sealed class SgdW : Optimizer
{
    /// <summary>Creates SgdW over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0 (no default, as in PyTorch).</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="dampening">τ, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum; requires μ &gt; 0 and τ = 0.</param>
    /// <param name="weightDecay">λ, decoupled, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="decayScaling">What λ is multiplied by: lr (PyTorch-style) or ηₜ (paper).</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentException">A hyperparameter is out of range or Nesterov is misconfigured; the message names it.</exception>
    public SgdW(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, bool nesterov = false,
        double weightDecay = 0, bool maximize = false, DecayScaling decayScaling = DecayScaling.LearningRate,
        double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, momentum, dampening, nesterov, weightDecay, maximize, decayScaling, l1, l1Mode)
    {
    }

    /// <summary>Creates SgdW over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="dampening">τ, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum; requires μ &gt; 0 and τ = 0.</param>
    /// <param name="weightDecay">λ, decoupled, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="decayScaling">What λ is multiplied by: lr (PyTorch-style) or ηₜ (paper).</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentException">A hyperparameter is out of range or Nesterov is misconfigured; the message names it.</exception>
    public SgdW(IEnumerable<ParameterGroup> groups, double learningRate, double momentum = 0, double dampening = 0, bool nesterov = false,
        double weightDecay = 0, bool maximize = false, DecayScaling decayScaling = DecayScaling.LearningRate,
        double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, Sgd.Slots, DecayPlacement.Decoupled, Sgd.Defaults(learningRate, momentum, dampening, nesterov, weightDecay, l1),
            decayScaling, maximize, l1Mode)
    {
        Sgd.FillNesterov(ParameterGroups, nesterov);
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup group, int index)
    {
        Sgd.CheckNesterov(group, index);
        base.ValidateGroup(group, index);
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step) => Sgd.PlanStep(step);
}
