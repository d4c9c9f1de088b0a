using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

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
/// then m = fma(1 − β₁, g, m·β₁), v = fma((1 − β₂)·g, g, v·β₂) and θ ← θ + ((−stepSize)·m) / (√v / √(1 − β₂ᵗ) + ε)
/// in float, in one fused pass per parameter, with the multiply-adds fused where torch's CPU kernels fuse them (its bits)
/// (<see cref="Rule{TAms}"/>; the coupled L2 and L1 lines are the shared pieces of <see cref="DecayPlacement.Coupled"/>).
/// ε must be &gt; 0 (with ε = 0 a weight whose gradients were all 0 would become 0/0 = NaN), and a gradient
/// element above 2⁶³ in magnitude is handled as non-finite (<see cref="Optimizer.NonFiniteGradient"/>), because its
/// square would overflow v to +∞ and freeze the weight silently.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>β₁, β₂</term><description><c>beta1</c>, <c>beta2</c></description></item>
/// <item><term>ε</term><description><c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>λ₁</term><description><c>l1</c>, with <c>l1Mode</c></description></item>
/// <item><term>m, v, vMax, t</term><description>slots <c>m</c>, <c>v</c>, <c>vMax</c> and <see cref="SlotState.Step"/> (<see cref="Optimizer.StateOf"/>)</description></item>
/// </list>
/// </summary>
public sealed class Adam : Optimizer
{
    internal const int M = 0, V = 1, VMax = 2;

    /// <summary>The state slots: m (PyTorch's <c>exp_avg</c>), v (<c>exp_avg_sq</c>), vMax (<c>max_exp_avg_sq</c>, AMSGrad only).</summary>
    internal static readonly string[] Slots = ["m", "v", "vMax"];

    /// <summary>Creates Adam over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
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
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="amsGrad">Use AMSGrad's running maximum of v.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, bool amsGrad = false, bool maximize = false,
        double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, Slots, DecayPlacement.Coupled, Defaults(learningRate, beta1, beta2, epsilon, weightDecay, l1), maximize: maximize, l1Mode: l1Mode)
    {
        foreach (var g in ParameterGroups) g.AmsGrad ??= amsGrad;
    }

    /// <summary>2⁶³: (1 − β₂)·g² stays far below float's maximum, so v cannot overflow.</summary>
    protected override float GradientBound => GradientLimit;

    internal const float GradientLimit = 9.223372e18f;

    internal static (Hyperparameter, double)[] Defaults(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, double l1) =>
        [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2),
         (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay), (Hyperparameter.L1, l1)];

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step) => PlanStep(step);

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state) => RequireMoments(parameter, state);

    internal static void RequireMoments(Parameter parameter, ParameterState state)
    {
        foreach (var key in new[] { "m", "v" })
        {
            if (state.Tensors is null || !state.Tensors.TryGetValue(key, out var t) || t is null)
                throw new ArgumentException($"The state of parameter '{parameter.Name}' lacks the tensor '{key}'.", "state");
        }
    }

    /// <summary>The scalars in double once per step, as PyTorch 1.13 does, each rounded to float once.</summary>
    internal static void PlanStep(ParameterStep step)
    {
        var g = step.Group;
        bool ams = g.AmsGrad == true;
        step.Allocate(M);
        step.Allocate(V);
        if (ams) step.Allocate(VMax);
        double beta1 = g.Beta1, beta2 = g.Beta2, t = step.Step;
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        double stepSize = g.LearningRate / biasCorrection1;
        float b1 = (float)beta1, omb1 = (float)(1 - beta1), b2 = (float)beta2, omb2 = (float)(1 - beta2);
        float bc2Sqrt = (float)Math.Sqrt(biasCorrection2), eps = (float)g.Epsilon, negStep = (float)-stepSize;
        if (ams) step.Run(new Rule<On>(b1, omb1, b2, omb2, bc2Sqrt, eps, negStep));
        else step.Run(new Rule<Off>(b1, omb1, b2, omb2, bc2Sqrt, eps, negStep));
    }

    /// <summary>
    /// m = fma(1 − β₁, g, m·β₁);  v = fma((1 − β₂)·g, g, v·β₂);  vMax = max(vMax, v) (AMSGrad);
    /// θ = θ + ((−lr / (1 − β₁ᵗ))·m) / (√v / √(1 − β₂ᵗ) + ε): PyTorch 1.13's <c>add_(g, alpha)</c> and <c>addcmul_</c>
    /// are fused multiply-adds on the CPU, its <c>addcdiv_</c> is not, so these are its bits.
    /// </summary>
    internal readonly struct Rule<TAms>(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float bc2Sqrt, float epsilon, float negStepSize)
        : IUpdateRule<Rule<TAms>> where TAms : struct, ISwitch
    {
        private readonly float _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1, _beta2 = beta2, _oneMinusBeta2 = oneMinusBeta2;
        private readonly float _bc2Sqrt = bc2Sqrt, _epsilon = epsilon, _negStepSize = negStepSize;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule<TAms> r, float theta, float g, StateSlots s)
        {
            ref float m = ref s[M];
            ref float v = ref s[V];
            m = MathF.FusedMultiplyAdd(r._oneMinusBeta1, g, m * r._beta1);
            v = MathF.FusedMultiplyAdd(r._oneMinusBeta2 * g, g, v * r._beta2);
            float vs = v;
            if (TAms.Enabled)
            {
                ref float vMax = ref s[VMax];
                vMax = MathF.Max(vMax, v);
                vs = vMax;
            }
            float denom = MathF.Sqrt(vs) / r._bc2Sqrt + r._epsilon;
            return theta + r._negStepSize * m / denom;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule<TAms> r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var m = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta1), g, s.Load<TVec>(M) * TVec.Create(r._beta1));
            var v = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta2) * g, g, s.Load<TVec>(V) * TVec.Create(r._beta2));
            s.Store(M, m);
            s.Store(V, v);
            if (TAms.Enabled)
            {
                v = TVec.Max(s.Load<TVec>(VMax), v);
                s.Store(VMax, v);
            }
            var denom = TVec.Sqrt(v) / TVec.Create(r._bc2Sqrt) + TVec.Create(r._epsilon);
            return theta + TVec.Create(r._negStepSize) * m / denom;
        }
    }
}
