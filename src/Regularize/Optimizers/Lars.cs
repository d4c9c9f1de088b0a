using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// LARS (You, Gitman &amp; Ginsburg 2017, "Large Batch Training of Convolutional Networks", arXiv:1708.03888,
/// Algorithm 1): SGD with momentum whose rate is scaled per tensor by a local learning rate q, the trust ratio.
/// The weight decay sits <b>inside the rule</b> (<see cref="DecayPlacement.InRule"/>), in two places, as in the
/// paper: in the trust ratio's denominator and, coupled, in the update that enters the momentum.
/// <code>
/// input: lr, μ (momentum), η (trustCoefficient), ε (trustEpsilon), λ (weightDecay), a (layerAdaptation), θ₀, b₀ = 0
/// for t = 1, 2, …, for each tensor:
///   g = ∇f(θₜ₋₁)                                   (−∇f when maximize)
///   q = η·‖θₜ₋₁‖ / (‖g‖ + λ·‖θₜ₋₁‖ + ε)   if a ≠ 0 and ‖θₜ₋₁‖ &gt; 0 and ‖g‖ &gt; 0;  1 otherwise
///   u = g + λ·θₜ₋₁                                 (coupled: the momentum sees λθ)
///   b = μ·b + (lr·q)·u                             (the global lr inside the momentum, as in the paper)
///   θₜ = θₜ₋₁ − b
/// </code>
/// The norms are taken in double over the whole tensor in the reduce phase (<see cref="IReducingRule{TSelf}"/>),
/// with the same bits at every SIMD width and thread count; lr·q is rounded to float once. A step reads θ, g
/// twice and b once. The paper has no ε (ε = 0, the default: the denominator is ≥ ‖g‖ &gt; 0 wherever q is used);
/// common implementations use a small one such as 1e-9. Biases and normalisation parameters are excluded as in
/// Goyal et al. 2017 and the LARC implementations: give their group <see cref="LayerAdaptation"/> = 0 (q = 1) and
/// λ = 0, for example on the second group of <see cref="GroupBuilder.SplitByDecay"/>. With q = 1, λ = 0 and a
/// constant lr this is PyTorch's SGD with momentum (whose buffer is b/lr).
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c></description></item>
/// <item><term>μ</term><description><c>momentum</c> (<see cref="Hyperparameter.Momentum"/>)</description></item>
/// <item><term>η</term><description><c>trustCoefficient</c> (<see cref="TrustCoefficient"/>)</description></item>
/// <item><term>ε</term><description><c>trustEpsilon</c> (<see cref="TrustEpsilon"/>)</description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (inside the rule)</description></item>
/// <item><term>a</term><description><see cref="LayerAdaptation"/> (shared with <see cref="Lamb"/>)</description></item>
/// <item><term>b, t</term><description>slot <c>momentumBuffer</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Lars : Optimizer
{
    private const int B = 0;

    /// <summary>η, the trust coefficient: how far a step may move a tensor relative to its norm; &gt; 0, default 1e-3.</summary>
    public static Hyperparameter TrustCoefficient { get; } = Hyperparameter.Define("trustCoefficient", 1e-3, minimumInclusive: false);

    /// <summary>ε of the trust ratio's denominator, ≥ 0 (0 in the paper).</summary>
    public static Hyperparameter TrustEpsilon { get; } = Hyperparameter.Define("trustEpsilon", 0);

    /// <summary>Whether a group applies the trust ratio: 1 (the default) applies it, 0 leaves it out (q = 1). The same hyperparameter as <see cref="Lamb.LayerAdaptation"/>.</summary>
    public static Hyperparameter LayerAdaptation { get; } = Hyperparameter.Define("layerAdaptation", 1, maximum: 1);

    /// <summary>Creates LARS over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0 (no default, as for <see cref="Sgd"/>).</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="trustCoefficient">η, &gt; 0.</param>
    /// <param name="epsilon">ε of the trust ratio, ≥ 0.</param>
    /// <param name="weightDecay">λ, inside the rule (trust ratio and update), ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Lars(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0.9, double trustCoefficient = 1e-3,
        double epsilon = 0, double weightDecay = 0, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, momentum, trustCoefficient, epsilon, weightDecay, maximize)
    {
    }

    /// <summary>Creates LARS over parameter groups; a group's unset values take these defaults (layer adaptation on).</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="trustCoefficient">η, &gt; 0.</param>
    /// <param name="epsilon">ε of the trust ratio, ≥ 0.</param>
    /// <param name="weightDecay">λ, inside the rule, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Lars(IEnumerable<ParameterGroup> groups, double learningRate, double momentum = 0.9, double trustCoefficient = 1e-3,
        double epsilon = 0, double weightDecay = 0, bool maximize = false)
        : base(groups, ["momentumBuffer"], DecayPlacement.InRule,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Momentum, momentum), (TrustCoefficient, trustCoefficient),
             (TrustEpsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay), (LayerAdaptation, 1.0)],
            maximize: maximize)
    {
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(B);
        step.RunReducing(new Rule((float)g.Momentum, (float)g.WeightDecay, g.LearningRate, g.Get(TrustCoefficient), g.WeightDecay,
            g.Get(TrustEpsilon), g.Get(LayerAdaptation) != 0, 0f));
    }

    /// <summary>
    /// Reduce: yields θ and g (their squared norms). Update: u = g + λ·θ, b = μ·b + (lr·q)·u, θ = θ − b.
    /// </summary>
    internal readonly struct Rule(float momentum, float lambda, double learningRate, double trustCoefficient, double weightDecay,
        double epsilon, bool adapt, float scaledLr) : IReducingRule<Rule>
    {
        private readonly float _momentum = momentum, _lambda = lambda, _scaledLr = scaledLr;
        private readonly double _learningRate = learningRate, _trustCoefficient = trustCoefficient, _weightDecay = weightDecay, _epsilon = epsilon;
        private readonly bool _adapt = adapt;

        /// <summary>q = η‖θ‖ / (‖g‖ + λ‖θ‖ + ε) (1 when adaptation is off or a norm is 0); lr·q rounded once.</summary>
        public static Rule Complete(in Rule r, double sumOfSquaresA, double sumOfSquaresB)
        {
            double thetaNorm = Math.Sqrt(sumOfSquaresA), gNorm = Math.Sqrt(sumOfSquaresB);
            double q = r._adapt && thetaNorm > 0 && gNorm > 0
                ? r._trustCoefficient * thetaNorm / (gNorm + r._weightDecay * thetaNorm + r._epsilon)
                : 1;
            return new Rule(r._momentum, r._lambda, r._learningRate, r._trustCoefficient, r._weightDecay, r._epsilon, r._adapt, (float)(r._learningRate * q));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Reduce(in Rule r, float theta, float g, StateSlots s, out float a, out float b)
        {
            a = theta;
            b = g;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Reduce<TVec>(in Rule r, TVec theta, TVec g, StateSlots s, out TVec a, out TVec b) where TVec : struct, IFloatVector<TVec>
        {
            a = theta;
            b = g;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float b = ref s[B];
            float u = g + r._lambda * theta;
            b = r._momentum * b + r._scaledLr * u;
            return theta - b;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var u = g + TVec.Create(r._lambda) * theta;
            var b = TVec.Create(r._momentum) * s.Load<TVec>(B) + TVec.Create(r._scaledLr) * u;
            s.Store(B, b);
            return theta - b;
        }
    }
}
