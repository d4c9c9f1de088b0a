using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", Algorithm 2):
/// Adam's direction plus λθ, scaled per tensor by the trust ratio ‖θ‖ / ‖u‖. The decay sits <b>inside</b> the
/// update u, as in the paper (<see cref="DecayPlacement.InRule"/>), so the trust ratio scales it too.
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), a (layerAdaptation), θ₀, m₀ = 0, v₀ = 0
/// for t = 1, 2, …, for each tensor:
///   g = ∇f(θₜ₋₁)                       (−∇f when maximize)
///   m = β₁·m + (1 − β₁)·g
///   v = β₂·v + (1 − β₂)·g²
///   u = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) + λ·θₜ₋₁
///   r = ‖θₜ₋₁‖ / ‖u‖   if a ≠ 0 and both norms are &gt; 0;  1 otherwise
///   θₜ = θₜ₋₁ − lr·r·u
/// </code>
/// φ, the paper's scaling of ‖θ‖, is the identity. The norms are taken in double over the whole tensor (the reduce
/// phase, <see cref="IReducingRule{TSelf}"/>), with the same bits for every thread count and SIMD width; a step
/// reads θ, g, m, v twice. To exclude biases and normalisation parameters from both the decay and the trust ratio,
/// give their group λ = 0 and <see cref="LayerAdaptation"/> = 0 (for example from <see cref="GroupBuilder.SplitByDecay"/>).
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c></description></item>
/// <item><term>β₁, β₂, ε</term><description><c>beta1</c>, <c>beta2</c>, <c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (inside u)</description></item>
/// <item><term>a</term><description><see cref="LayerAdaptation"/></description></item>
/// <item><term>m, v, t</term><description>slots <c>m</c>, <c>v</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Lamb : Optimizer
{
    private const int M = 0, V = 1;

    /// <summary>Whether a group applies the trust ratio: 1 (the default) applies it, 0 leaves it out (r = 1).</summary>
    public static Hyperparameter LayerAdaptation { get; } = Hyperparameter.Define("layerAdaptation", 1, maximum: 1);

    /// <summary>Creates LAMB over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, inside the update, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Lamb(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-6, double weightDecay = 0.01, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, beta1, beta2, epsilon, weightDecay, maximize)
    {
    }

    /// <summary>Creates LAMB over parameter groups; a group's unset values take these defaults (layer adaptation on).</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, inside the update, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Lamb(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-6, double weightDecay = 0.01, bool maximize = false)
        : base(groups, ["m", "v"], DecayPlacement.InRule,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2),
             (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay), (LayerAdaptation, 1.0)],
            maximize: maximize)
    {
    }

    /// <summary>2⁶³, as for Adam: v cannot overflow.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(M);
        step.Allocate(V);
        double t = step.Step;
        step.RunReducing(new Rule(
            (float)g.Beta1, (float)(1 - g.Beta1), (float)g.Beta2, (float)(1 - g.Beta2),
            (float)(1 - Math.Pow(g.Beta1, t)), (float)(1 - Math.Pow(g.Beta2, t)), (float)g.Epsilon, (float)g.WeightDecay,
            g.LearningRate, g.Get(LayerAdaptation) != 0, 0f));
    }

    /// <summary>
    /// Reduce: m = β₁·m + (1 − β₁)·g, v = β₂·v + ((1 − β₂)·g)·g, yielding θ and u. Update: θ = θ + (−lr·r)·u, with u
    /// recomputed from the stored m, v and the unchanged θ.
    /// </summary>
    internal readonly struct Rule(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float bc1, float bc2,
        float epsilon, float lambda, double learningRate, bool adapt, float negStep) : IReducingRule<Rule>
    {
        private readonly float _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1, _beta2 = beta2, _oneMinusBeta2 = oneMinusBeta2;
        private readonly float _bc1 = bc1, _bc2 = bc2, _epsilon = epsilon, _lambda = lambda, _negStep = negStep;
        private readonly double _learningRate = learningRate;
        private readonly bool _adapt = adapt;

        /// <summary>r = ‖θ‖ / ‖u‖ (1 when adaptation is off or a norm is 0); the update's step −lr·r, rounded once.</summary>
        public static Rule Complete(in Rule r, double sumOfSquaresA, double sumOfSquaresB)
        {
            double ratio = r._adapt && sumOfSquaresA > 0 && sumOfSquaresB > 0 ? Math.Sqrt(sumOfSquaresA) / Math.Sqrt(sumOfSquaresB) : 1;
            return new Rule(r._beta1, r._oneMinusBeta1, r._beta2, r._oneMinusBeta2, r._bc1, r._bc2, r._epsilon, r._lambda,
                r._learningRate, r._adapt, (float)(-r._learningRate * ratio));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Reduce(in Rule r, float theta, float g, StateSlots s, out float a, out float b)
        {
            ref float m = ref s[M];
            ref float v = ref s[V];
            m = m * r._beta1 + r._oneMinusBeta1 * g;
            v = v * r._beta2 + (r._oneMinusBeta2 * g) * g;
            a = theta;
            b = U(r, theta, m, v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Reduce<TVec>(in Rule r, TVec theta, TVec g, StateSlots s, out TVec a, out TVec b) where TVec : struct, IFloatVector<TVec>
        {
            var m = s.Load<TVec>(M) * TVec.Create(r._beta1) + TVec.Create(r._oneMinusBeta1) * g;
            var v = s.Load<TVec>(V) * TVec.Create(r._beta2) + (TVec.Create(r._oneMinusBeta2) * g) * g;
            s.Store(M, m);
            s.Store(V, v);
            a = theta;
            b = U(r, theta, m, v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s) => theta + r._negStep * U(r, theta, s[M], s[V]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec> =>
            theta + TVec.Create(r._negStep) * U(r, theta, s.Load<TVec>(M), s.Load<TVec>(V));

        /// <summary>u = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) + λ·θ.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float U(in Rule r, float theta, float m, float v) => m / r._bc1 / (MathF.Sqrt(v / r._bc2) + r._epsilon) + r._lambda * theta;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec U<TVec>(in Rule r, TVec theta, TVec m, TVec v) where TVec : struct, IFloatVector<TVec> =>
            m / TVec.Create(r._bc1) / (TVec.Sqrt(v / TVec.Create(r._bc2)) + TVec.Create(r._epsilon)) + TVec.Create(r._lambda) * theta;
    }
}
