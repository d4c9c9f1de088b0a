using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Stochastic gradient descent with momentum, PyTorch's semantics, and <b>coupled</b> L2 weight decay:
/// λθ is added to the gradient before the momentum buffer sees it. For decay applied to the weight use <see cref="SgdW"/>.
/// <code>
/// input: lr, μ (momentum), τ (dampening), λ (weightDecay), nesterov, λ₁ (l1), θ₀
/// for t = 1, 2, …:
///   g = ∇f(θₜ₋₁)                       (−∇f when maximize)
///   g = g + λ·θₜ₋₁                     (coupled L2)
///   g = g + λ₁·sign(θₜ₋₁)               (only with L1Mode.Subgradient)
///   if μ ≠ 0:
///     b = g                  if t = 1   (the buffer is seeded with the first gradient)
///     b = μ·b + (1 − τ)·g    otherwise
///     g = g + μ·b            if nesterov
///     g = b                  otherwise
///   θₜ = θₜ₋₁ − lr·g
///   θₜ = sign(θₜ)·max(|θₜ| − lr·λ₁, 0)   (only with L1Mode.Proximal)
/// </code>
/// The loop lines are <see cref="Rule{TBuffer, TNesterov}"/>; the coupled L2 and L1 lines are the shared pieces of
/// <see cref="DecayPlacement.Coupled"/>. Computed as PyTorch 1.13 does, in float32 with 1 − τ in double rounded once:
/// g + λ·θ, μ·b + (1 − τ)·g, g + μ·b and θ − lr·g are each one fused multiply-add, rounded once (torch's
/// <c>add(x, alpha)</c> on the CPU), so the results are torch's bits.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>μ</term><description><c>momentum</c></description></item>
/// <item><term>τ</term><description><c>dampening</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>λ₁</term><description><c>l1</c>, with <c>l1Mode</c></description></item>
/// <item><term>b</term><description>slot <c>momentumBuffer</c> (<see cref="Optimizer.StateOf"/>), allocated on the first step with μ ≠ 0</description></item>
/// </list>
/// </summary>
public sealed class Sgd : Optimizer
{
    internal const int Buffer = 0;

    /// <summary>The one state slot: the momentum buffer b (PyTorch's <c>momentum_buffer</c>).</summary>
    internal static readonly string[] Slots = ["momentumBuffer"];

    /// <summary>Creates SGD over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0 (no default, as in PyTorch).</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="dampening">τ, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum; requires μ &gt; 0 and τ = 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentException">A hyperparameter is out of range or Nesterov is misconfigured; the message names it.</exception>
    public Sgd(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, bool nesterov = false,
        double weightDecay = 0, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, momentum, dampening, nesterov, weightDecay, maximize, l1, l1Mode)
    {
    }

    /// <summary>Creates SGD over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="dampening">τ, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum; requires μ &gt; 0 and τ = 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentException">A hyperparameter is out of range or Nesterov is misconfigured; the message names it.</exception>
    public Sgd(IEnumerable<ParameterGroup> groups, double learningRate, double momentum = 0, double dampening = 0, bool nesterov = false,
        double weightDecay = 0, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, Slots, DecayPlacement.Coupled, Defaults(learningRate, momentum, dampening, nesterov, weightDecay, l1), maximize: maximize, l1Mode: l1Mode)
    {
        FillNesterov(ParameterGroups, nesterov);
    }

    internal static (Hyperparameter, double)[] Defaults(double learningRate, double momentum, double dampening, bool nesterov, double weightDecay, double l1)
    {
        (Hyperparameter, double)[] defaults =
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Momentum, momentum), (Hyperparameter.Dampening, dampening),
             (Hyperparameter.WeightDecay, weightDecay), (Hyperparameter.L1, l1)];
        foreach (var (h, v) in defaults) h.Check(v);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException(
                $"nesterov requires momentum > 0 and dampening = 0, was momentum {momentum}, dampening {dampening}.", nameof(nesterov));
        }
        return defaults;
    }

    internal static void FillNesterov(IReadOnlyList<ParameterGroup> groups, bool nesterov)
    {
        foreach (var g in groups)
        {
            g.Nesterov ??= nesterov;
            if (g.Nesterov == true && (g.Momentum <= 0 || g.Dampening != 0))
            {
                throw new ArgumentException(
                    $"Group '{g.Name}': nesterov requires momentum > 0 and dampening = 0, was momentum {g.Momentum}, dampening {g.Dampening}.", "groups");
            }
        }
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup group, int index)
    {
        CheckNesterov(group, index);
        base.ValidateGroup(group, index);
    }

    internal static void CheckNesterov(ParameterGroup g, int index)
    {
        if (g.Nesterov == true && (g.Momentum <= 0 || g.Dampening != 0))
        {
            throw new InvalidOperationException(
                $"Group {index} ('{g.Name}'): nesterov requires momentum > 0 and dampening = 0, was momentum {g.Momentum}, dampening {g.Dampening}.");
        }
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step) => PlanStep(step);

    internal static void PlanStep(ParameterStep step)
    {
        var g = step.Group;
        double mu = g.Momentum;
        float negLr = (float)-g.LearningRate;
        if (mu == 0)
        {
            step.Run(new Rule<Off, Off>(negLr, 0, 0, 0));
            return;
        }
        // PyTorch seeds the buffer with the first g itself: b = 0·0 + 1·g reproduces that exactly.
        bool seed = step.Allocate(Buffer);
        float bufferDecay = seed ? 0f : (float)mu, gradScale = seed ? 1f : (float)(1 - g.Dampening);
        if (g.Nesterov == true) step.Run(new Rule<On, Off>(negLr, bufferDecay, gradScale, (float)mu).WithNesterov());
        else step.Run(new Rule<On, Off>(negLr, bufferDecay, gradScale, (float)mu));
    }

    /// <summary>
    /// b = fma((1 − τ) or 1 when seeding, g, b·(μ or 0 when seeding));  d = fma(μ, b, g) (Nesterov) or b;  θ = fma(−lr, d, θ).
    /// Without momentum (<typeparamref name="TBuffer"/> off): θ = fma(−lr, g, θ). Each multiply-add is fused, rounded once,
    /// as PyTorch 1.13's <c>add(x, alpha)</c> is on the CPU, so these are its bits.
    /// </summary>
    internal readonly struct Rule<TBuffer, TNesterov>(float negLearningRate, float bufferDecay, float gradScale, float momentum)
        : IUpdateRule<Rule<TBuffer, TNesterov>> where TBuffer : struct, ISwitch where TNesterov : struct, ISwitch
    {
        private readonly float _negLearningRate = negLearningRate, _bufferDecay = bufferDecay, _gradScale = gradScale, _momentum = momentum;

        public Rule<TBuffer, On> WithNesterov() => new(_negLearningRate, _bufferDecay, _gradScale, _momentum);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule<TBuffer, TNesterov> r, float theta, float g, StateSlots s)
        {
            float d = g;
            if (TBuffer.Enabled)
            {
                ref float b = ref s[Buffer];
                b = MathF.FusedMultiplyAdd(r._gradScale, d, b * r._bufferDecay);
                d = TNesterov.Enabled ? MathF.FusedMultiplyAdd(r._momentum, b, d) : b;
            }
            return MathF.FusedMultiplyAdd(r._negLearningRate, d, theta);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule<TBuffer, TNesterov> r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var d = g;
            if (TBuffer.Enabled)
            {
                var b = TVec.FusedMultiplyAdd(TVec.Create(r._gradScale), d, s.Load<TVec>(Buffer) * TVec.Create(r._bufferDecay));
                s.Store(Buffer, b);
                d = TNesterov.Enabled ? TVec.FusedMultiplyAdd(TVec.Create(r._momentum), b, d) : b;
            }
            return TVec.FusedMultiplyAdd(TVec.Create(r._negLearningRate), d, theta);
        }
    }
}
