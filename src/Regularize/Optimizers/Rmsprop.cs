using System.Globalization;
using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning", 2012) as PyTorch 1.13 defines it, with
/// <b>coupled</b> L2 weight decay: λθ is added to the gradient, so the running average of squares sees it and the
/// denominator rescales it. Optional centring (Graves 2013: divide by an estimate of the variance) and momentum.
/// <code>
/// input: lr, α, ε, λ (weightDecay), μ (momentum), centered, θ₀, v₀ = 0, ḡ₀ = 0, b₀ = 0
/// for t = 1, 2, …:
///   g = ∇f(θₜ₋₁)                     (−∇f when maximize)
///   g = g + λ·θₜ₋₁                   (coupled L2: v, ḡ and b see λθ)
///   v = α·v + (1 − α)·g²
///   ṽ = v                            (or, centered: ḡ = α·ḡ + (1 − α)·g;  ṽ = v − ḡ²)
///   d = √ṽ + ε                       (ε outside the square root)
///   if μ &gt; 0:  b = μ·b + g / d;  θₜ = θₜ₋₁ − lr·b
///   else:      θₜ = θₜ₋₁ − lr·g / d
/// </code>
/// Computed in PyTorch 1.13's order (<c>_single_tensor_rmsprop</c>), float32 throughout, 1 − α formed in double and
/// rounded once: v = fma((1 − α)·g, g, v·α); ḡ = fma(1 − α, g, ḡ·α); ṽ = fma(−ḡ, ḡ, v); with momentum
/// b = b·μ + g/d and θ = fma(−lr, b, θ); without, θ = θ + (−lr·g)/d. Where torch fuses a multiply-add (its
/// <c>add(alpha=)</c> and <c>addcmul</c>), so does <see cref="Rule{TCentered, TMomentum}"/>, and so does the shared
/// coupled-L2 piece, fma(λ, θ, g). There is no bias correction, so the first steps are large: v₁ = (1 − α)·g₁².
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c> (default 1e-2)</description></item>
/// <item><term>α</term><description><c>alpha</c>, hyperparameter <see cref="Alpha"/> (<c>rmspropAlpha</c>, default 0.99)</description></item>
/// <item><term>ε</term><description><c>epsilon</c> (default 1e-8, &gt; 0)</description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>μ</term><description><c>momentum</c> (<see cref="Hyperparameter.Momentum"/>)</description></item>
/// <item><term>centered</term><description><see cref="Centered"/>: 1 to centre, 0 not</description></item>
/// <item><term>v, ḡ, b, t</term><description>slots <c>squareAvg</c>, <c>gradAvg</c> (centered only), <c>momentumBuffer</c> (μ &gt; 0 only) and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Rmsprop : Optimizer
{
    internal const int SquareAvg = 0, GradAvg = 1, MomentumBuffer = 2;

    /// <summary>The smoothing constant α of the running average of g², in [0, 1] (named <c>rmspropAlpha</c> so that it cannot clash with other optimizers' α).</summary>
    public static Hyperparameter Alpha { get; } = Hyperparameter.Define("rmspropAlpha", 0.99, maximum: 1);

    /// <summary>Whether a group divides by the centred estimate √(v − ḡ²) instead of √v: 1 or 0.</summary>
    public static Hyperparameter Centered { get; } = Hyperparameter.Define("centered", 0, maximum: 1);

    /// <summary>Creates RMSprop over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="alpha">α, in [0, 1].</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="centered">Divide by the centred second moment v − ḡ².</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Rmsprop(IEnumerable<Parameter> parameters, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, alpha, epsilon, weightDecay, momentum, centered, maximize, l1, l1Mode)
    {
    }

    /// <summary>Creates RMSprop over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="alpha">α, in [0, 1].</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="momentum">μ, in [0, 1).</param>
    /// <param name="centered">Divide by the centred second moment v − ḡ².</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="l1">λ₁, ≥ 0.</param>
    /// <param name="l1Mode">How λ₁ enters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Rmsprop(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false, double l1 = 0, L1Mode l1Mode = L1Mode.Proximal)
        : base(groups, ["squareAvg", "gradAvg", "momentumBuffer"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (Alpha, alpha), (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay),
             (Hyperparameter.Momentum, momentum), (Centered, centered ? 1 : 0), (Hyperparameter.L1, l1)],
            maximize: maximize, l1Mode: l1Mode)
    {
    }

    /// <summary>2⁶³, as for Adam: (1 − α)·g² cannot overflow v.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup group, int index)
    {
        double centered = group.Get(Centered);
        if (centered is not (0 or 1))
        {
            throw new InvalidOperationException(
                $"Group {index} ('{group.Name}'): centered is a flag and must be 0 or 1, was {centered.ToString(CultureInfo.InvariantCulture)}.");
        }
        base.ValidateGroup(group, index);
    }

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state)
    {
        if (state.Step > 0 && (state.Tensors is null || !state.Tensors.TryGetValue("squareAvg", out var v) || v is null))
            throw new ArgumentException($"The state of parameter '{parameter.Name}' has step {state.Step} but lacks the tensor 'squareAvg'.", nameof(state));
    }

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        double alpha = g.Get(Alpha), mu = g.Momentum;
        bool centered = g.Get(Centered) != 0, momentum = mu > 0;
        step.Allocate(SquareAvg);
        if (centered) step.Allocate(GradAvg);
        if (momentum) step.Allocate(MomentumBuffer);
        float a = (float)alpha, oneMinusA = (float)(1 - alpha), eps = (float)g.Epsilon, m = (float)mu, negLr = (float)-g.LearningRate;
        if (centered)
        {
            if (momentum) step.Run(new Rule<On, On>(a, oneMinusA, eps, m, negLr));
            else step.Run(new Rule<On, Off>(a, oneMinusA, eps, m, negLr));
        }
        else if (momentum) step.Run(new Rule<Off, On>(a, oneMinusA, eps, m, negLr));
        else step.Run(new Rule<Off, Off>(a, oneMinusA, eps, m, negLr));
    }

    /// <summary>
    /// v = fma((1 − α)·g, g, v·α);  centered: ḡ = fma(1 − α, g, ḡ·α), d = √fma(−ḡ, ḡ, v) + ε, else d = √v + ε;
    /// momentum: b = b·μ + g/d, θ = fma(−lr, b, θ); else θ = θ + (−lr·g)/d.
    /// </summary>
    internal readonly struct Rule<TCentered, TMomentum>(float alpha, float oneMinusAlpha, float epsilon, float momentum, float negLearningRate)
        : IUpdateRule<Rule<TCentered, TMomentum>> where TCentered : struct, ISwitch where TMomentum : struct, ISwitch
    {
        private readonly float _alpha = alpha, _oneMinusAlpha = oneMinusAlpha, _epsilon = epsilon, _momentum = momentum, _negLr = negLearningRate;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule<TCentered, TMomentum> r, float theta, float g, StateSlots s)
        {
            ref float v = ref s[SquareAvg];
            v = MathF.FusedMultiplyAdd(r._oneMinusAlpha * g, g, v * r._alpha);
            float d;
            if (TCentered.Enabled)
            {
                ref float gAvg = ref s[GradAvg];
                gAvg = MathF.FusedMultiplyAdd(r._oneMinusAlpha, g, gAvg * r._alpha);
                d = MathF.Sqrt(MathF.FusedMultiplyAdd(-gAvg, gAvg, v));
            }
            else d = MathF.Sqrt(v);
            d += r._epsilon;
            if (TMomentum.Enabled)
            {
                ref float b = ref s[MomentumBuffer];
                b = b * r._momentum + g / d;
                return MathF.FusedMultiplyAdd(r._negLr, b, theta);
            }
            return theta + r._negLr * g / d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule<TCentered, TMomentum> r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var oneMinusAlpha = TVec.Create(r._oneMinusAlpha);
            var alpha = TVec.Create(r._alpha);
            var v = TVec.FusedMultiplyAdd(oneMinusAlpha * g, g, s.Load<TVec>(SquareAvg) * alpha);
            s.Store(SquareAvg, v);
            TVec d;
            if (TCentered.Enabled)
            {
                var gAvg = TVec.FusedMultiplyAdd(oneMinusAlpha, g, s.Load<TVec>(GradAvg) * alpha);
                s.Store(GradAvg, gAvg);
                d = TVec.Sqrt(TVec.FusedMultiplyAdd(-gAvg, gAvg, v));
            }
            else d = TVec.Sqrt(v);
            d += TVec.Create(r._epsilon);
            if (TMomentum.Enabled)
            {
                var b = s.Load<TVec>(MomentumBuffer) * TVec.Create(r._momentum) + g / d;
                s.Store(MomentumBuffer, b);
                return TVec.FusedMultiplyAdd(TVec.Create(r._negLr), b, theta);
            }
            return theta + TVec.Create(r._negLr) * g / d;
        }
    }
}
