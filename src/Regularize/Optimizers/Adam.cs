using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba) with <b>coupled</b> L2 weight decay: λθ is added to the gradient, so the moments
/// see it and the adaptive denominator rescales it (large-gradient weights decay less). For decay that
/// acts on the weight directly use <see cref="AdamW"/>.
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), λ₁ (l1), θ₀, m₀ = 0, v₀ = 0, vMax₀ = 0
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                     (−∇f when maximize)
///   g  = g + λ·θₜ₋₁                   (coupled L2)
///   g  = g + λ₁·sign(θₜ₋₁)             (only with L1Mode.Subgradient)
///   m  = β₁·m + (1 − β₁)·g
///   v  = β₂·v + (1 − β₂)·g²
///   vMax = max(vMax, v)                (amsGrad; then vMax replaces v below)
///   mHat = m / (1 − β₁ᵗ)
///   vHat = √v / √(1 − β₂ᵗ)             (square root first; ε goes outside, after bias correction)
///   θₜ = θₜ₋₁ − lr·mHat / (vHat + ε)
///   θₜ = sign(θₜ)·max(|θₜ| − lr·λ₁, 0)  (only with L1Mode.Proximal)
/// </code>
/// Computed as PyTorch 1.13 does: the step size lr / (1 − β₁ᵗ) and √(1 − β₂ᵗ) in double once per step,
/// then θ ← θ + (−stepSize)·(m / (√v / √(1 − β₂ᵗ) + ε)) in float, in one fused pass per parameter.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>β₁, β₂</term><description><c>beta1</c>, <c>beta2</c></description></item>
/// <item><term>ε</term><description><c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>λ₁</term><description><c>l1</c>, with <c>l1Mode</c></description></item>
/// <item><term>m, v, vMax, t</term><description><see cref="AdamState.M"/>, <see cref="AdamState.V"/>, <see cref="AdamState.VMax"/>, <see cref="AdamState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Adam : Optimizer<AdamState>
{
    private AdamPlan[] _plans = [];

    /// <summary>Creates Adam over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, ≥ 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="amsGrad">Use AMSGrad's running maximum of v.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adam(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, bool amsGrad = false, bool maximize = false,
        double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, maximize, l1, l1Mode)
    {
    }

    /// <summary>Creates Adam over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, ≥ 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="amsGrad">Use AMSGrad's running maximum of v.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, bool amsGrad = false, bool maximize = false,
        double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(Checked(groups, learningRate, beta1, beta2, epsilon, weightDecay, l1),
            g => AdamCore.FillDefaults(g, learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, maximize, l1, l1Mode))
    {
    }

    private static IEnumerable<ParameterGroup> Checked(IEnumerable<ParameterGroup> groups, double learningRate, double beta1,
        double beta2, double epsilon, double weightDecay, double l1)
    {
        AdamCore.CheckDefaults(learningRate, beta1, beta2, epsilon, weightDecay, l1);
        return groups;
    }

    private protected override void EnsureSlotCapacity(int slots)
    {
        if (_plans.Length < slots) Array.Resize(ref _plans, slots);
    }

    private protected override void PrepareSlot(int slot, ParameterGroup group, Parameter parameter) =>
        AdamCore.Prepare(ref _plans[slot], States, group, parameter, decoupled: false, DecayScaling.LearningRate);

    private protected override void UpdateRange(int slot, Parameter parameter, int start, int count) =>
        AdamCore.Update(_plans[slot], parameter, start, count);

    private protected override ParameterState? ExportParameter(Parameter parameter) =>
        States.TryGetValue(parameter, out var s) ? AdamCore.Export(s) : null;

    private protected override void ValidateParameter(Parameter parameter, ParameterState state) => AdamCore.Validate(parameter, state);

    private protected override void ImportParameter(Parameter parameter, ParameterState state) => States[parameter] = AdamCore.Import(state);
}
