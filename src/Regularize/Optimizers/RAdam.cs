using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), as PyTorch 1.13 computes it,
/// with <b>coupled</b> L2 weight decay: λθ is added to the gradient, so the moments see it.
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), θ₀, m₀ = 0, v₀ = 0
/// ρ∞ = 2/(1 − β₂) − 1
/// for t = 1, 2, …:
///   g    = ∇f(θₜ₋₁)                   (−∇f when maximize)
///   g    = g + λ·θₜ₋₁                 (coupled L2)
///   m    = β₁·m + (1 − β₁)·g
///   v    = β₂·v + (1 − β₂)·g²
///   mHat = m / (1 − β₁ᵗ)
///   ρₜ   = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)
///   if ρₜ &gt; 5:
///     r  = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
///     l  = √(1 − β₂ᵗ) / (√v + ε)
///     θₜ = θₜ₋₁ − mHat·lr·l·r
///   else:
///     θₜ = θₜ₋₁ − mHat·lr              (SGD with momentum while the variance estimate is unreliable)
/// </code>
/// ρₜ depends only on t and β₂, so the switch is taken once per parameter and step in <see cref="Plan"/> (two
/// instantiations of one rule, no test per element). Computed as PyTorch 1.13's <c>_single_tensor_radam</c> does:
/// the scalars in double, rounded once; per element m = fma(1 − β₁, g, m·β₁), v = fma((1 − β₂)·g, g, v·β₂),
/// mHat = m / (1 − β₁ᵗ), l = (1/(√v + ε))·√(1 − β₂ᵗ), θ = θ − ((mHat·lr)·l)·r. ε is outside the root and before
/// the bias correction of v. With β₂ = 0.999 the first rectified step is t = 6.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c>, <see cref="ParameterGroup.LearningRate"/></description></item>
/// <item><term>β₁, β₂, ε</term><description><c>beta1</c>, <c>beta2</c>, <c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>ρ∞, ρₜ, r, l</term><description><see cref="Rho"/>, <c>rectification</c>, <c>l</c> in <see cref="Rule{TRectified}"/></description></item>
/// <item><term>m, v, t</term><description>slots <c>m</c>, <c>v</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class RAdam : Optimizer
{
    private const int M = 0, V = 1;

    /// <summary>Creates RAdam over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it (PyTorch 1.13's RAdam has no such option).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public RAdam(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, beta1, beta2, epsilon, weightDecay, maximize)
    {
    }

    /// <summary>Creates RAdam over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public RAdam(IEnumerable<ParameterGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, bool maximize = false)
        : base(groups, ["m", "v"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2),
             (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay)],
            maximize: maximize)
    {
    }

    /// <summary>2⁶³, as for Adam: v cannot overflow.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <summary>ρ∞ = 2/(1 − β₂) − 1 and ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ), in double as PyTorch computes them; the rule is rectified when ρₜ &gt; 5.</summary>
    /// <param name="beta2">β₂.</param>
    /// <param name="step">t, from 1.</param>
    public static (double RhoInfinity, double RhoT) Rho(double beta2, long step)
    {
        double rhoInf = 2 / (1 - beta2) - 1;
        return (rhoInf, rhoInf - 2 * step * Math.Pow(beta2, step) / (1 - Math.Pow(beta2, step)));
    }

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state) => RequireSlots(parameter, state, "m", "v");

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(M);
        step.Allocate(V);
        double beta1 = g.Beta1, beta2 = g.Beta2, t = step.Step;
        double bc2 = 1 - Math.Pow(beta2, t);
        var (rhoInf, rhoT) = Rho(beta2, step.Step);
        float b1 = (float)beta1, omb1 = (float)(1 - beta1), b2 = (float)beta2, omb2 = (float)(1 - beta2);
        float bc1 = (float)(1 - Math.Pow(beta1, t)), lr = (float)g.LearningRate;
        if (rhoT > 5)
        {
            double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            step.Run(new Rule<On>(b1, omb1, b2, omb2, bc1, lr, (float)g.Epsilon, (float)Math.Sqrt(bc2), (float)rect));
        }
        else step.Run(new Rule<Off>(b1, omb1, b2, omb2, bc1, lr, 0f, 0f, 0f));
    }

    /// <summary>
    /// m = fma(1 − β₁, g, m·β₁);  v = fma((1 − β₂)·g, g, v·β₂);  mHat = m / (1 − β₁ᵗ);
    /// rectified: θ = θ − ((mHat·lr)·((1/(√v + ε))·√(1 − β₂ᵗ)))·r;  otherwise θ = θ − mHat·lr.
    /// </summary>
    internal readonly struct Rule<TRectified>(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float bc1,
        float learningRate, float epsilon, float bc2Sqrt, float rectification) : IUpdateRule<Rule<TRectified>> where TRectified : struct, ISwitch
    {
        private readonly float _beta1 = beta1, _oneMinusBeta1 = oneMinusBeta1, _beta2 = beta2, _oneMinusBeta2 = oneMinusBeta2;
        private readonly float _bc1 = bc1, _learningRate = learningRate, _epsilon = epsilon, _bc2Sqrt = bc2Sqrt, _rectification = rectification;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule<TRectified> r, float theta, float g, StateSlots s)
        {
            ref float m = ref s[M];
            ref float v = ref s[V];
            m = MathF.FusedMultiplyAdd(r._oneMinusBeta1, g, m * r._beta1);
            v = MathF.FusedMultiplyAdd(r._oneMinusBeta2 * g, g, v * r._beta2);
            float step = m / r._bc1 * r._learningRate;
            if (TRectified.Enabled)
            {
                float l = 1f / (MathF.Sqrt(v) + r._epsilon) * r._bc2Sqrt;
                step = step * l * r._rectification;
            }
            return theta - step;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule<TRectified> r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var m = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta1), g, s.Load<TVec>(M) * TVec.Create(r._beta1));
            var v = TVec.FusedMultiplyAdd(TVec.Create(r._oneMinusBeta2) * g, g, s.Load<TVec>(V) * TVec.Create(r._beta2));
            s.Store(M, m);
            s.Store(V, v);
            var step = m / TVec.Create(r._bc1) * TVec.Create(r._learningRate);
            if (TRectified.Enabled)
            {
                var l = TVec.Create(1f) / (TVec.Sqrt(v) + TVec.Create(r._epsilon)) * TVec.Create(r._bc2Sqrt);
                step = step * l * TVec.Create(r._rectification);
            }
            return theta - step;
        }
    }
}
