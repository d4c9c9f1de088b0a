using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Rprop (Riedmiller &amp; Braun 1993, "A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP
/// Algorithm"), as PyTorch 1.13 computes it: each weight moves by its own step size Δ in the direction of −sign(g),
/// Δ grows by η₊ while the gradient keeps its sign and shrinks by η₋ when it flips. Only the sign of g is used,
/// so it suits full-batch training. PyTorch 1.13's Rprop has no weight decay; here λ is <b>coupled</b> L2
/// (g + λθ, which can only change the sign Rprop sees), 0 by default.
/// <code>
/// input: lr, η₋ (etaMinus), η₊ (etaPlus), Δmin, Δmax (stepSizeMin, stepSizeMax), λ, θ₀, prev₀ = 0, stepSize₀ = lr
/// for t = 1, 2, …:
///   g  = ∇f(θₜ₋₁)                         (−∇f when maximize)
///   g  = g + λ·θₜ₋₁                       (coupled L2; 0 by default)
///   η  = η₊ if g·prev &gt; 0;  η₋ if g·prev &lt; 0;  1 otherwise
///   stepSize = clamp(stepSize·η, Δmin, Δmax)   (from the first step on)
///   g  = 0 where g·prev &lt; 0               (no move after a sign change, and the next step sees sign 0)
///   θₜ = θₜ₋₁ − sign(g)·stepSize
///   prev = g
/// </code>
/// The step size starts at the group's learning rate when the slot is created; changing lr later does not change it.
/// Per element in float32 as PyTorch does; the product sign(g)·stepSize is exact, so every step rounds once.
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr</term><description><c>learningRate</c> (only the initial step size)</description></item>
/// <item><term>η₋, η₊</term><description><see cref="EtaMinus"/>, <see cref="EtaPlus"/></description></item>
/// <item><term>Δmin, Δmax</term><description><see cref="StepSizeMin"/>, <see cref="StepSizeMax"/></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (coupled)</description></item>
/// <item><term>prev, stepSize, t</term><description>slots <c>prev</c>, <c>stepSize</c> and <see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class Rprop : Optimizer
{
    private const int Prev = 0, StepSize = 1;

    /// <summary>η₋, the step-size factor after a sign change; in (0, 1), default 0.5.</summary>
    public static Hyperparameter EtaMinus { get; } = Hyperparameter.Define("etaMinus", 0.5, minimumInclusive: false, maximum: 1, maximumInclusive: false);

    /// <summary>η₊, the step-size factor while the sign holds; &gt; 1, default 1.2.</summary>
    public static Hyperparameter EtaPlus { get; } = Hyperparameter.Define("etaPlus", 1.2, minimum: 1, minimumInclusive: false);

    /// <summary>Δmin, the smallest step size; ≥ 0, default 1e-6.</summary>
    public static Hyperparameter StepSizeMin { get; } = Hyperparameter.Define("stepSizeMin", 1e-6);

    /// <summary>Δmax, the largest step size; ≥ 0 and ≥ Δmin, default 50.</summary>
    public static Hyperparameter StepSizeMax { get; } = Hyperparameter.Define("stepSizeMax", 50);

    /// <summary>Creates Rprop over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, the initial step size, ≥ 0.</param>
    /// <param name="etaMinus">η₋, in (0, 1).</param>
    /// <param name="etaPlus">η₊, &gt; 1.</param>
    /// <param name="stepSizeMin">Δmin, ≥ 0.</param>
    /// <param name="stepSizeMax">Δmax, ≥ Δmin.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0 (PyTorch 1.13's Rprop has none: 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public Rprop(IEnumerable<Parameter> parameters, double learningRate = 1e-2, double etaMinus = 0.5, double etaPlus = 1.2,
        double stepSizeMin = 1e-6, double stepSizeMax = 50, bool maximize = false, double weightDecay = 0)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))],
            learningRate, etaMinus, etaPlus, stepSizeMin, stepSizeMax, maximize, weightDecay)
    {
    }

    /// <summary>Creates Rprop over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, the initial step size, ≥ 0.</param>
    /// <param name="etaMinus">η₋, in (0, 1).</param>
    /// <param name="etaPlus">η₊, &gt; 1.</param>
    /// <param name="stepSizeMin">Δmin, ≥ 0.</param>
    /// <param name="stepSizeMax">Δmax, ≥ Δmin.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <param name="weightDecay">λ, coupled L2, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range (the message names it and its value), or Δmin &gt; Δmax.</exception>
    public Rprop(IEnumerable<ParameterGroup> groups, double learningRate = 1e-2, double etaMinus = 0.5, double etaPlus = 1.2,
        double stepSizeMin = 1e-6, double stepSizeMax = 50, bool maximize = false, double weightDecay = 0)
        : base(groups, ["prev", "stepSize"], DecayPlacement.Coupled,
            [(Hyperparameter.LearningRate, learningRate), (EtaMinus, etaMinus), (EtaPlus, etaPlus), (StepSizeMin, stepSizeMin),
             (StepSizeMax, stepSizeMax), (Hyperparameter.WeightDecay, weightDecay)],
            maximize: maximize)
    {
        if (stepSizeMin > stepSizeMax)
            throw new ArgumentOutOfRangeException(nameof(stepSizeMin), stepSizeMin, $"stepSizeMin must be <= stepSizeMax ({stepSizeMax}), was {stepSizeMin}.");
    }

    /// <summary>Throws when the group's Δmin exceeds its Δmax.</summary>
    /// <param name="group">The group.</param>
    /// <param name="index">Its index, for messages.</param>
    protected override void ValidateGroup(ParameterGroup group, int index)
    {
        base.ValidateGroup(group, index);
        double min = group.Get(StepSizeMin), max = group.Get(StepSizeMax);
        if (min > max)
            throw new InvalidOperationException($"Group '{group.Name}' ({index}): stepSizeMin ({min}) must be <= stepSizeMax ({max}).");
    }

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state) => RequireSlots(parameter, state, "prev", "stepSize");

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        step.Allocate(Prev);
        if (step.Allocate(StepSize)) step.State[StepSize]!.Span.Fill((float)g.LearningRate);
        step.Run(new Rule((float)g.Get(EtaMinus), (float)g.Get(EtaPlus), (float)g.Get(StepSizeMin), (float)g.Get(StepSizeMax)));
    }

    /// <summary>
    /// η from the sign of g·prev; stepSize = min(max(stepSize·η, Δmin), Δmax); g = 0 where g·prev &lt; 0;
    /// θ = θ − sign(g)·stepSize; prev = g.
    /// </summary>
    internal readonly struct Rule(float etaMinus, float etaPlus, float stepSizeMin, float stepSizeMax) : IUpdateRule<Rule>
    {
        private readonly float _etaMinus = etaMinus, _etaPlus = etaPlus, _stepSizeMin = stepSizeMin, _stepSizeMax = stepSizeMax;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float prev = ref s[Prev];
            ref float stepSize = ref s[StepSize];
            float product = g * prev;
            float eta = product > 0 ? r._etaPlus : product < 0 ? r._etaMinus : 1f;
            stepSize = MathF.Min(MathF.Max(stepSize * eta, r._stepSizeMin), r._stepSizeMax);
            if (product < 0) g = 0f;
            prev = g;
            return theta - (g == 0 ? 0f : MathF.CopySign(1f, g)) * stepSize;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var product = g * s.Load<TVec>(Prev);
            var grows = TVec.LessThanMask(TVec.Zero, product);
            var flips = TVec.LessThanMask(product, TVec.Zero);
            var eta = TVec.ConditionalSelect(grows, TVec.Create(r._etaPlus), TVec.ConditionalSelect(flips, TVec.Create(r._etaMinus), TVec.Create(1f)));
            var stepSize = TVec.Min(TVec.Max(s.Load<TVec>(StepSize) * eta, TVec.Create(r._stepSizeMin)), TVec.Create(r._stepSizeMax));
            g = TVec.ConditionalSelect(flips, TVec.Zero, g);
            s.Store(StepSize, stepSize);
            s.Store(Prev, g);
            return theta - TVec.Sign(g) * stepSize;
        }
    }
}
