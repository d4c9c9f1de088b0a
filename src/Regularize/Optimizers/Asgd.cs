using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Averaged SGD (Polyak &amp; Juditsky 1992, "Acceleration of Stochastic Approximation by Averaging"), as PyTorch
/// 1.13's <c>ASGD</c> computes it: SGD with a decaying step ηₜ and its own shrink θ(1 − λ·η), plus a running average
/// ax of the weights from step t₀ on (evaluate with ax). Two decays enter, at different places: the weight decay λ_wd
/// is <b>coupled</b> L2 (added to g), and ASGD's λ shrinks θ <b>inside the rule</b> by λ times the previous ηₜ.
/// <code>
/// input: lr, λ (lambda), α (alpha), t₀ (t0), λ_wd (weightDecay), θ₀, ax₀ = 0, eta₀ = lr, mu₀ = 1
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                     (−∇f when maximize)
///   g  = g + λ_wd·θₜ₋₁                (coupled L2)
///   θ  = θₜ₋₁·(1 − λ·eta)             (eta of the previous step)
///   θₜ = θ − eta·g
///   ax = ax + mu·(θₜ − ax)   if mu ≠ 1;   ax = θₜ otherwise
///   eta = lr / (1 + λ·lr·t)^α
///   mu  = 1 / max(1, t − t₀)
/// </code>
/// Computed as PyTorch 1.13's <c>_single_tensor_asgd</c> does: eta and mu are float32 per-parameter scalars
/// (slots of shape [1]) read back as floats; 1 − λ·eta is formed in double and rounded once; θ = fma(−eta, g, θ·(1 − λ·eta));
/// ax = ax + (θ − ax)·mu. <see cref="Plan"/> reads eta and mu for this step's rule and writes the next ones
/// (<see cref="ParameterStep.SetScalar"/>, in double, rounded once), so a schedule on lr reaches eta from the
/// next step. Whether ax averages or copies is decided once per parameter and step (mu = 1 until t &gt; t₀ + 1).
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c> (enters through eta)</description></item>
/// <item><term>λ, α, t₀</term><description><see cref="Lambda"/>, <see cref="Alpha"/>, <see cref="T0"/></description></item>
/// <item><term>λ_wd</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>ax, eta, mu, t</term><description>slots <c>ax</c>, <c>eta</c>, <c>mu</c> (eta and mu of length 1) and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Asgd : Optimizer
{
    private const int Ax = 0, Eta = 1, Mu = 2;

    /// <summary>λ, the decay term of eta and of the shrink θ(1 − λ·eta); ≥ 0, default 1e-4. Named <c>asgdLambda</c> (hyperparameter names are global).</summary>
    public static Hyperparameter Lambda { get; } = Hyperparameter.Define("asgdLambda", 1e-4);

    /// <summary>α, the power of eta's decay; ≥ 0, default 0.75. Named <c>asgdAlpha</c> (RMSprop's α is another quantity).</summary>
    public static Hyperparameter Alpha { get; } = Hyperparameter.Define("asgdAlpha", 0.75);

    /// <summary>t₀, the step after which averaging starts; ≥ 0, default 1e6. Named <c>asgdT0</c>.</summary>
    public static Hyperparameter T0 { get; } = Hyperparameter.Define("asgdT0", 1e6);

    /// <summary>Creates ASGD over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="lambda">λ, ≥ 0.</param>
    /// <param name="alpha">α, ≥ 0.</param>
    /// <param name="t0">t₀, ≥ 0.</param>
    /// <param name="weightDecay">λ_wd, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Asgd(IEnumerable<Parameter> parameters, double learningRate = 1e-2, double lambda = 1e-4, double alpha = 0.75, double t0 = 1e6,
        double weightDecay = 0, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, lambda, alpha, t0, weightDecay, maximize)
    {
    }

    /// <summary>Creates ASGD over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="lambda">λ, ≥ 0.</param>
    /// <param name="alpha">α, ≥ 0.</param>
    /// <param name="t0">t₀, ≥ 0.</param>
    /// <param name="weightDecay">λ_wd, coupled L2, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Asgd(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double lambda = 1e-4, double alpha = 0.75, double t0 = 1e6,
        double weightDecay = 0, bool maximize = false)
        : base(groups, ["ax", "eta", "mu"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (Lambda, lambda), (Alpha, alpha), (T0, t0), (Hyperparameter.WeightDecay, weightDecay)],
            maximize: maximize)
    {
    }

    /// <summary>eta and mu are one number per parameter.</summary>
    /// <param name="slot">The slot number.</param>
    /// <param name="parameter">The parameter.</param>
    protected internal override Shape SlotShape(int slot, Parameter parameter) => slot == Ax ? parameter.Shape : new Shape(1);

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state) => RequireSlots(parameter, state, "ax", "eta", "mu");

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        double lr = g.LearningRate, lambda = g.Get(Lambda);
        step.Allocate(Ax);
        if (step.Allocate(Eta)) step.State[Eta]!.Span[0] = (float)lr;
        if (step.Allocate(Mu)) step.State[Mu]!.Span[0] = 1f;
        double eta = step.Scalar(Eta), mu = step.Scalar(Mu), t = step.Step;
        float shrink = (float)(1 - lambda * eta), negEta = (float)-eta;
        if (mu != 1) step.Run(new Rule<On>(shrink, negEta, (float)mu));
        else step.Run(new Rule<Off>(shrink, negEta, 1f));
        step.SetScalar(Eta, (float)(lr / Math.Pow(1 + lambda * lr * t, g.Get(Alpha))));
        step.SetScalar(Mu, (float)(1 / Math.Max(1, t - g.Get(T0))));
    }

    /// <summary>θ = fma(−eta, g, θ·(1 − λ·eta));  averaging: ax = ax + (θ − ax)·mu, otherwise ax = θ.</summary>
    internal readonly struct Rule<TAverage>(float shrink, float negEta, float mu) : IUpdateRule<Rule<TAverage>> where TAverage : struct, ISwitch
    {
        private readonly float _shrink = shrink, _negEta = negEta, _mu = mu;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule<TAverage> r, float theta, float g, StateSlots s)
        {
            theta = MathF.FusedMultiplyAdd(r._negEta, g, theta * r._shrink);
            ref float ax = ref s[Ax];
            ax = TAverage.Enabled ? ax + (theta - ax) * r._mu : theta;
            return theta;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule<TAverage> r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            theta = TVec.FusedMultiplyAdd(TVec.Create(r._negEta), g, theta * TVec.Create(r._shrink));
            if (TAverage.Enabled)
            {
                var ax = s.Load<TVec>(Ax);
                s.Store(Ax, ax + (theta - ax) * TVec.Create(r._mu));
            }
            else s.Store(Ax, theta);
            return theta;
        }
    }
}
