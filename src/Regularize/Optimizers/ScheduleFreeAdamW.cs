using System.Runtime.CompilerServices;
using Regularize.Nn;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// Schedule-Free AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled &amp; Cutkosky 2024, "The Road Less Scheduled",
/// arXiv:2405.15682, Algorithm 1; the weighting by the largest lr so far and the warm-up as in the authors'
/// <c>adamw_schedulefree.py</c>): no learning-rate schedule; instead the weights that are evaluated, x, are an
/// average of the iterates z, and gradients are taken at an interpolation y of the two. The weight decay sits
/// <b>inside the rule</b> (<see cref="DecayPlacement.InRule"/>): λ·y is added to the normalised gradient and so is
/// scaled by γₜ with it (decoupled from v, but not the loop's lr·λ shrink).
/// <code>
/// input: lr, β₁, β₂, ε, λ (weightDecay), T (warmupSteps), r (averagePower), p (weightLrPower); z₁ = x₁ = y₁ = θ₀, v₀ = 0
/// for t = 1, 2, …, for each tensor (θ holds y while training):
///   g     = ∇f(y)                                   (−∇f when maximize)
///   γₜ    = lr·min(1, t/T)·√(1 − β₂ᵗ)               (min(1, t/T) = 1 when T = 0)
///   lrMax = max(lrMax, γₜ);  w = tʳ·lrMaxᵖ;  weightSum = weightSum + w;  c = w / weightSum
///   v     = β₂·v + (1 − β₂)·g²
///   u     = g / (√v + ε) + λ·y
///   y     = y + c·(z − y) + γₜ·(β₁·(1 − c) − 1)·u
///   z     = z − γₜ·u
/// evaluation point: x = y + (1 − 1/β₁)·(z − y)
/// </code>
/// The paper's form is yₜ = (1 − β₁)zₜ + β₁xₜ, zₜ₊₁ = zₜ − γₜ·u, xₜ₊₁ = (1 − c)xₜ + c·zₜ₊₁; x is not stored, and
/// substituting it gives the y update above (with p = 2, r = 0 the weights are the paper's γₜ²/Σγᵢ²).
/// Per element, in this order and in float32: v = v·β₂ + ((1 − β₂)·g)·g, u = g/(√v + ε) + λ·y,
/// y' = y + c·(z − y), θ = y' + yStep·u with yStep = γₜ(β₁(1 − c) − 1), z = z − γₜ·u; the step's scalars in
/// double, rounded once.
/// <para>
/// <b>Training and evaluation weights</b> (<see cref="IEvaluationWeights"/>). While training the parameters hold y; the
/// model to evaluate, export or deploy is x. <see cref="UseEvaluationWeights"/> keeps a copy of y and writes x into the
/// parameters; <see cref="UseTrainingWeights"/> puts the copy back, bit for bit, so training continues exactly as if it
/// had not been interrupted. <see cref="Optimizer.Step()"/> refuses to run while the evaluation weights are in place.
/// <see cref="Training.Trainer"/> switches for you; without it, call <see cref="UseEvaluationWeights"/> before evaluating
/// or exporting (<see cref="Serialization.ModelWeights"/>) and <see cref="UseTrainingWeights"/> before the next step.
/// The copy costs one parameter-sized buffer per parameter, allocated at the first switch and reused.
/// </para>
/// <para>
/// <b>Checkpoints.</b> A training checkpoint (<see cref="Serialization.CheckpointData.Capture"/>) is the training point:
/// its model tensors are the training weights y (<see cref="TrainingWeights"/>) whichever weights are in place, and its
/// optimizer state z, v, lrMax and weightSum. <see cref="Optimizer.ImportState"/> (and so restoring a checkpoint) leaves
/// the optimizer with its training weights in place; call <see cref="UseEvaluationWeights"/> to evaluate or export.
/// </para>
/// <para>
/// <b>BatchNorm.</b> Running statistics tracked while training are statistics of y, not x: measure them again at x
/// (<see cref="Training.BatchNormStatistics.Update"/> after <see cref="UseEvaluationWeights"/>), as the paper and the
/// reference implementation advise; <see cref="Training.Trainer"/> does so whenever it puts the evaluation weights in
/// place during a fit.
/// </para>
/// <list type="table">
/// <listheader><term>symbol</term><description>in code</description></listheader>
/// <item><term>lr, β₁, β₂, ε</term><description><c>learningRate</c>, <c>beta1</c> (&gt; 0 here), <c>beta2</c>, <c>epsilon</c></description></item>
/// <item><term>λ</term><description><c>weightDecay</c> (inside the rule, at y, scaled by γₜ)</description></item>
/// <item><term>T, r, p</term><description><see cref="WarmupSteps"/>, <see cref="AveragePower"/>, <see cref="WeightLrPower"/></description></item>
/// <item><term>z, v</term><description>slots <c>z</c> (starts at θ₀), <c>v</c></description></item>
/// <item><term>lrMax, weightSum</term><description>slots <c>lrMax</c>, <c>weightSum</c> of shape [1] (float32, as all state)</description></item>
/// <item><term>t</term><description><see cref="SlotState.Step"/></description></item>
/// </list>
/// </summary>
public sealed class ScheduleFreeAdamW : Optimizer, IEvaluationWeights
{
    private const int Z = 0, V = 1, LrMax = 2, WeightSum = 3;
    private readonly Dictionary<Parameter, float[]> _trainingWeights = new(ReferenceEqualityComparer.Instance);

    /// <summary>T, the length of the linear warm-up of γₜ in steps, ≥ 0 (0: none).</summary>
    public static Hyperparameter WarmupSteps { get; } = Hyperparameter.Define("warmupSteps", 0);

    /// <summary>r, the power of t in the averaging weight w = tʳ·lrMaxᵖ, ≥ 0 (default 0).</summary>
    public static Hyperparameter AveragePower { get; } = Hyperparameter.Define("averagePower", 0);

    /// <summary>p, the power of the largest γ so far in the averaging weight, ≥ 0 (default 2).</summary>
    public static Hyperparameter WeightLrPower { get; } = Hyperparameter.Define("weightLrPower", 2);

    /// <summary>Creates Schedule-Free AdamW over <paramref name="parameters"/> in one group.</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in (0, 1): the interpolation between z and x.</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, inside the rule, ≥ 0.</param>
    /// <param name="warmupSteps">T, ≥ 0.</param>
    /// <param name="averagePower">r, ≥ 0.</param>
    /// <param name="weightLrPower">p, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range; the message names it and its value.</exception>
    public ScheduleFreeAdamW(IEnumerable<Parameter> parameters, double learningRate = 2.5e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, double warmupSteps = 0, double averagePower = 0, double weightLrPower = 2, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, beta1, beta2, epsilon,
            weightDecay, warmupSteps, averagePower, weightLrPower, maximize)
    {
    }

    /// <summary>Creates Schedule-Free AdamW over parameter groups; a group's unset values take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">lr, ≥ 0.</param>
    /// <param name="beta1">β₁, in (0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="epsilon">ε, &gt; 0.</param>
    /// <param name="weightDecay">λ, inside the rule, ≥ 0.</param>
    /// <param name="warmupSteps">T, ≥ 0.</param>
    /// <param name="averagePower">r, ≥ 0.</param>
    /// <param name="weightLrPower">p, ≥ 0.</param>
    /// <param name="maximize">Ascend the objective instead of descending it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range (β₁ = 0 included); the message names it and its value.</exception>
    public ScheduleFreeAdamW(IEnumerable<ParameterGroup> groups, double learningRate = 2.5e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, double warmupSteps = 0, double averagePower = 0, double weightLrPower = 2, bool maximize = false)
        : base(groups, ["z", "v", "lrMax", "weightSum"], DecayPlacement.InRule,
            [(Hyperparameter.LearningRate, learningRate), (Hyperparameter.Beta1, beta1), (Hyperparameter.Beta2, beta2),
             (Hyperparameter.Epsilon, epsilon), (Hyperparameter.WeightDecay, weightDecay), (WarmupSteps, warmupSteps),
             (AveragePower, averagePower), (WeightLrPower, weightLrPower)],
            maximize: maximize)
    {
        for (int i = 0; i < ParameterGroups.Count; i++)
        {
            if (ParameterGroups[i].Beta1 == 0) throw new ArgumentOutOfRangeException(nameof(beta1), ParameterGroups[i].Beta1, BetaMessage(ParameterGroups[i], i));
        }
    }

    /// <summary>True while the parameters hold the evaluation weights x (after <see cref="UseEvaluationWeights"/>).</summary>
    public bool UsesEvaluationWeights { get; private set; }

    /// <summary>2⁶³, as for Adam: v cannot overflow.</summary>
    protected override float GradientBound => Adam.GradientLimit;

    /// <summary>
    /// Writes the evaluation weights x = y + (1 − 1/β₁)(z − y) into every parameter that has been stepped, keeping
    /// a copy of the training weights y. Does nothing when they are already in place; a parameter not yet stepped has x = y.
    /// </summary>
    public void UseEvaluationWeights()
    {
        if (UsesEvaluationWeights) return;
        foreach (var g in ParameterGroups)
        {
            float w = (float)(1 - 1 / g.Beta1);
            foreach (var p in g.Parameters)
            {
                if (StateOf(p)?[Z] is not { } z) continue;
                var theta = p.Value.Span;
                if (!_trainingWeights.TryGetValue(p, out var saved) || saved.Length != theta.Length) _trainingWeights[p] = saved = new float[theta.Length];
                theta.CopyTo(saved);
                Lerp(theta, z.Span, w);
            }
        }
        UsesEvaluationWeights = true;
    }

    /// <summary>
    /// Puts back the training weights y saved by <see cref="UseEvaluationWeights"/>, bit for bit (whatever was
    /// written into the parameters meanwhile is discarded). Does nothing when the training weights are in place.
    /// </summary>
    public void UseTrainingWeights()
    {
        if (!UsesEvaluationWeights) return;
        foreach (var g in ParameterGroups)
        {
            foreach (var p in g.Parameters)
            {
                if (StateOf(p)?[Z] is null || !_trainingWeights.TryGetValue(p, out var saved)) continue;
                saved.CopyTo(p.Value.Span);
            }
        }
        UsesEvaluationWeights = false;
    }

    /// <summary>
    /// The training weights y of <paramref name="parameter"/>: the copy kept while the evaluation weights are in place,
    /// otherwise the parameter's own values.
    /// </summary>
    /// <param name="parameter">A parameter of this optimizer.</param>
    /// <exception cref="ArgumentException">The optimizer does not hold the parameter.</exception>
    public ReadOnlySpan<float> TrainingWeights(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!ParameterGroups.Any(g => g.Parameters.Contains(parameter)))
            throw new ArgumentException($"ScheduleFreeAdamW does not hold parameter '{parameter.Name}'.", nameof(parameter));
        return UsesEvaluationWeights && StateOf(parameter)?[Z] is not null && _trainingWeights.TryGetValue(parameter, out var saved)
            ? saved : parameter.Value.Span;
    }

    /// <summary>An imported state is a training point: the training weights are in place afterwards (the kept copy is dropped).</summary>
    protected override void StateImported() => UsesEvaluationWeights = false;

    /// <summary>θ = θ + w·(z − θ), in float32.</summary>
    private static void Lerp(Span<float> theta, ReadOnlySpan<float> z, float w)
    {
        for (int i = 0; i < theta.Length; i++) theta[i] += w * (z[i] - theta[i]);
    }

    /// <summary>lrMax and weightSum are one number per parameter.</summary>
    protected internal override Shape SlotShape(int slot, Parameter parameter) => slot >= LrMax ? new Shape(1) : parameter.Shape;

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup group, int index)
    {
        base.ValidateGroup(group, index);
        if (UsesEvaluationWeights)
            throw new InvalidOperationException("ScheduleFreeAdamW: the parameters hold the evaluation weights x; call UseTrainingWeights() before Step().");
        if (group.Beta1 == 0) throw new InvalidOperationException(BetaMessage(group, index));
    }

    /// <inheritdoc/>
    protected override void ValidateImportedState(Parameter parameter, ParameterState state)
    {
        if (state.Step == 0) return;
        foreach (var name in new[] { "z", "v", "lrMax", "weightSum" })
        {
            if (state.Tensors is null || !state.Tensors.TryGetValue(name, out var t) || t is null)
                throw new ArgumentException($"The state of parameter '{parameter.Name}' has step {state.Step} but no '{name}' tensor; ScheduleFreeAdamW needs z, v, lrMax and weightSum after a step.", "state");
        }
    }

    private static string BetaMessage(ParameterGroup g, int index) =>
        $"Group {index} ('{g.Name}'): ScheduleFreeAdamW needs beta1 in (0, 1) (the evaluation point divides by it), was {g.Beta1}.";

    /// <inheritdoc/>
    protected override void Plan(ParameterStep step)
    {
        var g = step.Group;
        var state = step.State;
        if (step.Allocate(Z)) step.Parameter.Value.Span.CopyTo(state[Z]!.Span);   // z₁ = θ₀
        step.Allocate(V);
        step.Allocate(LrMax);
        step.Allocate(WeightSum);
        double t = step.Step, warmup = g.Get(WarmupSteps);
        double schedule = warmup > 0 && t <= warmup ? t / warmup : 1.0;
        double lr = g.LearningRate * schedule * Math.Sqrt(1 - Math.Pow(g.Beta2, t));                    // γₜ
        var lrMaxSlot = state[LrMax]!.Span;
        var weightSumSlot = state[WeightSum]!.Span;
        double lrMax = Math.Max(lr, lrMaxSlot[0]);
        double weight = Math.Pow(t, g.Get(AveragePower)) * Math.Pow(lrMax, g.Get(WeightLrPower));      // w = tʳ·lrMaxᵖ
        double weightSum = weightSumSlot[0] + weight;
        lrMaxSlot[0] = (float)lrMax;
        weightSumSlot[0] = (float)weightSum;
        double c = weightSum != 0 ? weight / weightSum : 0;
        step.Run(new Rule((float)g.Beta2, (float)(1 - g.Beta2), (float)g.Epsilon, (float)g.WeightDecay, (float)c,
            (float)(lr * (g.Beta1 * (1 - c) - 1)), (float)lr));
    }

    /// <summary>v = v·β₂ + ((1 − β₂)·g)·g; u = g/(√v + ε) + λ·y; θ = (y + c·(z − y)) + yStep·u; z = z − zStep·u.</summary>
    internal readonly struct Rule(float beta2, float oneMinusBeta2, float epsilon, float lambda, float c, float yStep, float zStep) : IUpdateRule<Rule>
    {
        private readonly float _beta2 = beta2, _oneMinusBeta2 = oneMinusBeta2, _epsilon = epsilon, _lambda = lambda, _c = c, _yStep = yStep, _zStep = zStep;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Update(in Rule r, float theta, float g, StateSlots s)
        {
            ref float z = ref s[Z];
            ref float v = ref s[V];
            v = v * r._beta2 + (r._oneMinusBeta2 * g) * g;
            float u = g / (MathF.Sqrt(v) + r._epsilon) + r._lambda * theta;
            float y = theta + r._c * (z - theta);
            z = z - r._zStep * u;
            return y + r._yStep * u;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Update<TVec>(in Rule r, TVec theta, TVec g, StateSlots s) where TVec : struct, IFloatVector<TVec>
        {
            var z = s.Load<TVec>(Z);
            var v = s.Load<TVec>(V) * TVec.Create(r._beta2) + (TVec.Create(r._oneMinusBeta2) * g) * g;
            s.Store(V, v);
            var u = g / (TVec.Sqrt(v) + TVec.Create(r._epsilon)) + TVec.Create(r._lambda) * theta;
            var y = theta + TVec.Create(r._c) * (z - theta);
            s.Store(Z, z - TVec.Create(r._zStep) * u);
            return y + TVec.Create(r._yStep) * u;
        }
    }
}
