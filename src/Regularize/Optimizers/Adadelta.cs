using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Adadelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", Algorithm 1) as PyTorch 1.13 defines it, with
/// <b>coupled</b> L2 weight decay: λθ is added to the gradient, so both running averages see it. PyTorch adds a
/// learning rate lr that scales the paper's update (lr = 1 is the paper).
/// <code>
/// input: lr, ρ, ε, λ (weightDecay), θ₀, v₀ = 0, u₀ = 0
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                      (−∇f when maximize)
///   g  = g + λ·θₜ₋₁                    (coupled L2: v and u see λθ)
///   v  = ρ·v + (1 − ρ)·g²
///   Δ  = √(u + ε) / √(v + ε) · g       (u of the previous step; ε inside both square roots)
///   u  = ρ·u + (1 − ρ)·Δ²
///   θₜ = θₜ₋₁ − lr·Δ
/// </code>
/// Computed in PyTorch 1.13's order (<c>_single_tensor_adadelta</c>), float32, 1 − ρ formed in double and rounded
/// once: v = fma((1 − ρ)·g, g, v·ρ); Δ = (√(u + ε) / √(v + ε))·g; u = fma((1 − ρ)·Δ, Δ, u·ρ); θ = fma(−lr, Δ, θ).
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c> (default 1)</description></item>
/// <item><term>ρ</term><description><c>rho</c>, <see cref="Rho"/> (default 0.9)</description></item>
/// <item><term>ε</term><description><c>epsilon</c> (default 1e-6, &gt; 0)</description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>v, u, t</term><description>slots <c>squareAvg</c>, <c>accDelta</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Adadelta : Optimizer
{
    private const int SquareAvg = 0, AccDelta = 1;

    /// <summary>ρ, the decay of both running averages, in [0, 1].</summary>
    public static Hyperparameter Rho { get; } = Hyperparameter.Define("rho", 0.9, maximum: 1);

    /// <summary>Creates Adadelta over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0 (1 is the paper's update).</param>
    /// <param name="rho">ρ, in [0, 1].</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, double learningRate = 1.0, double rho = 0.9, double epsilon = 1e-6,
        double weightDecay = 0, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, rho, epsilon, weightDecay, maximize, l1, l1Mode)
    {
    }

    /// <summary>Creates Adadelta over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0 (1 is the paper's update).</param>
    /// <param name="rho">ρ, in [0, 1].</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Adadelta(IEnumerable<ParameterGroup> groups, double learningRate = 1.0, double rho = 0.9, double epsilon = 1e-6,
        double weightDecay = 0, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, ["squareAvg", "accDelta"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (Rho, rho), (Hyperparameter.Epsilon, epsilon),
             (Hyperparameter.WeightDecay, weightDecay), (Hyperparameter.L1, l1)],
            maximize: maximize, l1Mode: l1Mode)
    {
    }

    /// <summary>2⁶³, as for Adam: (1 − ρ)·g² cannot overflow v.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state)
    {
        if (state.Step == 0) return;
        foreach (var key in new[] { "squareAvg", "accDelta" })
        {
            if (state.Tensors is null || !state.Tensors.TryGetValue(key, out var t) || t is null)
                throw new ArgumentException($"The state of parameter '{parameter.Name}' has step {state.Step} but lacks the tensor '{key}'.", nameof(state));
        }
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        double rho = g.Get(Rho);
        step.Allocate(SquareAvg);
        step.Allocate(AccDelta);
        step.Run(new Rule((float)rho, (float)(1 - rho), (float)g.Epsilon, (float)-g.LearningRate));
    }

    /// <summary>v = fma((1 − ρ)·g, g, v·ρ);  Δ = (√(u + ε) / √(v + ε))·g;  u = fma((1 − ρ)·Δ, Δ, u·ρ);  θ = fma(−lr, Δ, θ).</summary>
    internal readonly struct Rule(float rho, float oneMinusRho, float epsilon, float negLearningRate) : IUpdateRule<Rule>
    {
        private readonly float _rho = rho, _oneMinusRho = oneMinusRho, _epsilon = epsilon, _negLr = negLearningRate;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float v = ref s[SquareAvg];
            ref float u = ref s[AccDelta];
            v = MathF.FusedMultiplyAdd(r._oneMinusRho * g, g, v * r._rho);
            float delta = MathF.Sqrt(u + r._epsilon) / MathF.Sqrt(v + r._epsilon) * g;
            u = MathF.FusedMultiplyAdd(r._oneMinusRho * delta, delta, u * r._rho);
            return MathF.FusedMultiplyAdd(r._negLr, delta, theta);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var rho = TVec.Create(r._rho);
            var oneMinusRho = TVec.Create(r._oneMinusRho);
            var eps = TVec.Create(r._epsilon);
            var u = s.Load<TVec>(AccDelta);
            var v = TVec.FusedMultiplyAdd(oneMinusRho * g, g, s.Load<TVec>(SquareAvg) * rho);
            s.Store(SquareAvg, v);
            var delta = TVec.Sqrt(u + eps) / TVec.Sqrt(v + eps) * g;
            s.Store(AccDelta, TVec.FusedMultiplyAdd(oneMinusRho * delta, delta, u * rho));
            return TVec.FusedMultiplyAdd(TVec.Create(r._negLr), delta, theta);
        }
    }
}
