using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Adamax (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", §7.1, Algorithm 2): Adam with the
/// infinity norm in place of the second moment, as PyTorch 1.13 defines it, with <b>coupled</b> L2 weight decay:
/// λθ is added to the gradient, so m and u see it.
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), θ₀, m₀ = 0, u₀ = 0
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                    (−∇f when maximize)
///   g  = g + λ·θₜ₋₁                  (coupled L2: m and u see λθ)
///   m  = β₁·m + (1 − β₁)·g
///   u  = max(β₂·u, |g| + ε)          (ε inside the max, not added to the denominator)
///   θₜ = θₜ₋₁ − (lr / (1 − β₁ᵗ))·m / u
/// </code>
/// Computed in PyTorch 1.13's order (<c>_single_tensor_adamax</c>): lr / (1 − β₁ᵗ) in double once per step and rounded
/// once, 1 − β₁ formed in double; per element m = fma(1 − β₁, g, m·β₁), u = max(u·β₂, |g| + ε),
/// θ = θ + (−lr / (1 − β₁ᵗ))·m / u. u needs no bias correction (the paper's §7.1). ε keeps u &gt; 0, so ε must be &gt; 0.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c> (default 2e-3)</description></item>
/// <item><term>β₁, β₂</term><description><c>beta1</c>, <c>beta2</c> (defaults 0.9, 0.999)</description></item>
/// <item><term>ε</term><description><c>epsilon</c> (default 1e-8, &gt; 0)</description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>m, u, t</term><description>slots <c>m</c>, <c>expInf</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Adamax : Optimizer
{
    private const int M = 0, ExpInf = 1;

    /// <summary>Creates Adamax over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adamax(IEnumerable<Parameter> parameters, double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, beta1, beta2, epsilon, weightDecay, maximize, l1, l1Mode)
    {
    }

    /// <summary>Creates Adamax over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adamax(IEnumerable<ParameterGroup> groups, double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, ["m", "expInf"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2),
             (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay), (Hyperparameter.L1, l1)],
            maximize: maximize, l1Mode: l1Mode)
    {
    }

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state)
    {
        if (state.Step == 0) return;
        foreach (var key in new[] { "m", "expInf" })
        {
            if (state.Tensors is null || !state.Tensors.TryGetValue(key, out var t) || t is null)
                throw new ArgumentException($"The state of parameter '{parameter.Name}' has step {state.Step} but lacks the tensor '{key}'.", nameof(state));
        }
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(M);
        step.Allocate(ExpInf);
        double beta1 = g.Beta1;
        double stepSize = g.LearningRate / (1 - Math.Pow(beta1, step.Step));
        step.Run(new Rule((float)beta1, (float)(1 - beta1), (float)g.Beta2, (float)g.Epsilon, (float)-stepSize));
    }

    /// <summary>m = fma(1 − β₁, g, m·β₁);  u = max(u·β₂, |g| + ε);  θ = θ + (−lr / (1 − β₁ᵗ))·m / u.</summary>
    internal readonly struct Rule(float beta1, float oneMinusBeta1, float beta2, float epsilon, float negStepSize) : IUpdateRule<Rule>
    {
        private readonly float _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1, _beta2 = beta2, _epsilon = epsilon, _negStepSize = negStepSize;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float m = ref s[M];
            ref float u = ref s[ExpInf];
            m = MathF.FusedMultiplyAdd(r._oneMinusBeta1, g, m * r._beta1);
            u = MathF.Max(u * r._beta2, MathF.Abs(g) + r._epsilon);
            return theta + r._negStepSize * m / u;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var m = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta1), g, s.Load<TVec>(M) * TVec.Create(r._beta1));
            var u = TVec.Max(s.Load<TVec>(ExpInf) * TVec.Create(r._beta2), TVec.Abs(g) + TVec.Create(r._epsilon));
            s.Store(M, m);
            s.Store(ExpInf, u);
            return theta + TVec.Create(r._negStepSize) * m / u;
        }
    }
}
