using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Schedules;

namespace Regularize.Lab.Experiments;

/// <summary>
/// One optimizer variant of the lab, an entry of the catalog <see cref="All"/>: an optimizer with a place for its
/// coefficient (coupled L2 in the gradient, decoupled on the weights, inside the rule, or L1), default hyperparameters,
/// and a factory; every command (<c>compare</c>, <c>sweep</c>, <c>lr-find</c> and <c>batch-size</c>, through <c>-v|--variant</c>)
/// builds its optimizer through <see cref="Create"/>, with nothing specific to one optimizer elsewhere. The learning-rate
/// schedule (<see cref="Schedule"/>) is the same for all but the schedule-free ones: linear warm-up over the first 5% of the
/// steps from 1% of the peak, then cosine annealing to 1% of the peak at the last step; a <see cref="ScheduleFree"/>
/// variant has the same warm-up and then keeps the peak (its optimizer averages the iterates instead of annealing).
/// Evaluation weights (<see cref="IEvaluationWeights"/>) need nothing here: the trainer evaluates them. Weight decay applies to the weight matrices only (<see cref="DecayMask"/>); biases are not
/// decayed. For the L1 variants (<see cref="IsL1"/>) the coefficient is λ₁ instead of a weight decay, on the same weight matrices.
/// </summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Title">A short title for tables and plots.</param>
/// <param name="LearningRate">The default peak learning rate at <see cref="ReferenceBatchSize"/>.</param>
/// <param name="WeightDecay">The default λ (λ₁ for the L1 variants) at <see cref="ReferenceBatchSize"/>.</param>
/// <param name="Decay">Where the coefficient enters.</param>
/// <param name="Rule">What the update does, in one line (for decoupled variants written with lr·λ, shown as ηₜ·λ under schedule scaling).</param>
/// <param name="Build">
/// The optimizer over the parameter groups (λ, or λ₁, already set per group), the peak learning rate, the variant's λ and
/// the decoupled decay scaling (ignored by variants whose decay is not decoupled).
/// </param>
/// <param name="InDefaultSet">True for the variants <c>compare</c> runs when <c>--variant</c> is not given.</param>
/// <param name="PerLayerDecay">One group per weight matrix with λ geometric from λ/10 to 10·λ instead of one decayed group.</param>
/// <param name="LrScaledSweepDecays">
/// <c>sweep</c>'s default λ grid when decoupled decay is scaled by lr (null: 0, 1e-3, 1e-2, 0.1, 1); a small default lr needs larger λ.
/// </param>
/// <param name="SweepLearningRates"><c>sweep</c>'s default learning rates (null: 0.3, 1, 3 and 10 times <paramref name="LearningRate"/>).</param>
/// <param name="ScheduleFree">True for a schedule-free optimizer: the learning rate stays at its peak after the warm-up (no cosine).</param>
internal sealed record Variant(string Name, string Title, double LearningRate, double WeightDecay, VariantDecay Decay, string Rule,
    Func<IReadOnlyList<ParameterGroup>, double, double, DecayScaling, Optimizer> Build, bool InDefaultSet = false, bool PerLayerDecay = false,
    double[]? LrScaledSweepDecays = null, double[]? SweepLearningRates = null, bool ScheduleFree = false)
{
    public const double WarmupFraction = 0.05;
    public const double StartFactor = 0.01;
    public const double FloorFactor = 0.01;
    public const double SgdMomentum = 0.9;

    /// <summary>The batch size the default learning rates and λ were chosen at (the lab's default <c>--batch-size</c>).</summary>
    public const int ReferenceBatchSize = 128;

    /// <summary><c>sweep</c>'s default learning rates for SGD.</summary>
    private static readonly double[] SgdSweep = [0.01, 0.03, 0.1, 0.3];

    /// <summary>The catalog: one line per variant. A new optimizer is one more line.</summary>
    public static IReadOnlyList<Variant> All { get; } =
    [
        new("sgd-l2", "SGD + L2 (coupled)", 0.05, 5e-3, VariantDecay.Coupled, "SGD, momentum 0.9, λθ added to the gradient",
            (groups, lr, λ, _) => new Sgd(groups, lr, momentum: SgdMomentum, weightDecay: λ), InDefaultSet: true,
            SweepLearningRates: SgdSweep),
        new("sgdw", "SGDW (decoupled)", 0.05, 5e-3, VariantDecay.Decoupled, "SGD, momentum 0.9, θ shrunk by lr·λ outside the momentum",
            (groups, lr, λ, scaling) => new SgdW(groups, lr, momentum: SgdMomentum, weightDecay: λ, decayScaling: scaling), InDefaultSet: true,
            SweepLearningRates: SgdSweep),
        new("adam-l2", "Adam + L2 (coupled)", 1e-3, 5e-3, VariantDecay.Coupled, "Adam, λθ added to the gradient before the moments",
            (groups, lr, λ, _) => new Adam(groups, lr, weightDecay: λ), InDefaultSet: true),
        new("adamw", "AdamW (decoupled)", 1e-3, 5e-3, VariantDecay.Decoupled, "Adam, θ shrunk by lr·λ outside the moments",
            (groups, lr, λ, scaling) => new AdamW(groups, lr, weightDecay: λ, decayScaling: scaling), InDefaultSet: true,
            LrScaledSweepDecays: [0, 1, 3, 10, 30]),
        new("sgd-l1", "SGD + L1 (proximal)", 0.05, 2e-3, VariantDecay.L1,
            "SGD, momentum 0.9, no decay; after each step θ ← sign(θ)·max(|θ| − lr·λ₁, 0)", (groups, lr, _, _) => new Sgd(groups, lr, momentum: SgdMomentum),
            SweepLearningRates: SgdSweep),
        new("adam-l1", "Adam + L1 (proximal)", 1e-3, 0.2, VariantDecay.L1,
            "Adam, no decay; after each step θ ← sign(θ)·max(|θ| − lr·λ₁, 0)", (groups, lr, _, _) => new Adam(groups, lr)),
        new("adamw-layers", "AdamW, λ per layer", 1e-3, 0.1, VariantDecay.Decoupled,
            "Adam, θ shrunk by lr·λₖ outside the moments, λₖ geometric from λ/10 (first layer) to 10·λ (last)",
            (groups, lr, λ, scaling) => new AdamW(groups, lr, weightDecay: λ, decayScaling: scaling), PerLayerDecay: true),
        new("lion", "Lion (decoupled)", 1e-4, 5e-2, VariantDecay.Decoupled, "Lion, θ − lr·sign(β₁m + (1 − β₁)g), θ shrunk by lr·λ outside the rule",
            (groups, lr, λ, scaling) => new Lion(groups, lr, weightDecay: λ, decayScaling: scaling), LrScaledSweepDecays: [0, 1, 3, 10, 30]),
        new("lamb", "LAMB (decay in the rule)", 1e-2, 1e-2, VariantDecay.InRule, "LAMB, Adam's step plus λθ, scaled per tensor by ‖θ‖/‖update‖",
            (groups, lr, λ, _) => new Lamb(groups, lr, weightDecay: λ)),
        new("rmsprop", "RMSprop + L2 (coupled)", 1e-3, 5e-3, VariantDecay.Coupled, "RMSprop, θ − lr·g/(√v + ε), λθ added to the gradient",
            (groups, lr, λ, _) => new Rmsprop(groups, lr, weightDecay: λ)),
        new("adagrad", "Adagrad + L2 (coupled)", 1e-2, 5e-3, VariantDecay.Coupled, "Adagrad, θ − lr·g/(√Σg² + ε), λθ added to the gradient",
            (groups, lr, λ, _) => new Adagrad(groups, lr, weightDecay: λ)),
        new("adadelta", "Adadelta + L2 (coupled)", 1.0, 5e-3, VariantDecay.Coupled, "Adadelta, θ − lr·(√(u + ε)/√(v + ε))·g, λθ added to the gradient",
            (groups, lr, λ, _) => new Adadelta(groups, lr, weightDecay: λ)),
        new("adamax", "Adamax + L2 (coupled)", 2e-3, 5e-3, VariantDecay.Coupled, "Adamax, Adam with the ∞-norm max(β₂u, |g| + ε), λθ added to the gradient",
            (groups, lr, λ, _) => new Adamax(groups, lr, weightDecay: λ)),
        new("nadam", "NAdam + L2 (coupled)", 2e-3, 5e-3, VariantDecay.Coupled, "NAdam, Adam with Nesterov momentum, λθ added to the gradient",
            (groups, lr, λ, _) => new NAdam(groups, lr, weightDecay: λ)),
        new("radam", "RAdam + L2 (coupled)", 1e-3, 5e-3, VariantDecay.Coupled, "RAdam, Adam with the variance rectified (SGD with momentum while ρₜ ≤ 5), λθ added to the gradient",
            (groups, lr, λ, _) => new RAdam(groups, lr, weightDecay: λ)),
        new("rprop", "Rprop + L2 (coupled)", 1e-3, 5e-3, VariantDecay.Coupled, "Rprop, per-element step sizes grown or shrunk by the sign of g·gₚᵣₑᵥ, λθ added to the gradient",
            (groups, lr, λ, _) => new Rprop(groups, lr, weightDecay: λ)),
        new("asgd", "ASGD + L2 (coupled)", 0.05, 5e-3, VariantDecay.Coupled, "averaged SGD, λθ added to the gradient; ax averages θ",
            (groups, lr, λ, _) => new Asgd(groups, lr, weightDecay: λ), SweepLearningRates: SgdSweep),
        new("lars", "LARS (decay in the rule)", 1.0, 5e-4, VariantDecay.InRule, "LARS, momentum on lr·(η‖θ‖/(‖g‖ + λ‖θ‖))·(g + λθ) per tensor",
            (groups, lr, λ, _) => new Lars(groups, lr, weightDecay: λ)),
        new("adafactor", "Adafactor (decay in the rule)", 1e-3, 5e-3, VariantDecay.InRule, "Adafactor, factored v̂ = R·Cᵀ/ΣR, update clipped by its RMS, θ·(1 − lr·λ)",
            (groups, lr, λ, _) => new Adafactor(groups, lr, relativeStep: false, weightDecay: λ)),
        new("schedule-free-adamw", "Schedule-Free AdamW (decay in the rule)", 2.5e-3, 5e-3, VariantDecay.InRule, "Schedule-Free AdamW, steps at y, evaluated at the average x, λy scaled by γₜ",
            (groups, lr, λ, _) => new ScheduleFreeAdamW(groups, lr, weightDecay: λ), ScheduleFree: true),
    ];

    /// <summary><c>sweep</c>'s default learning rates: <see cref="SweepLearningRates"/> or 0.3, 1, 3 and 10 times the default.</summary>
    public double[] DefaultSweepLearningRates =>
        SweepLearningRates ?? [.. new[] { 0.3m, 1m, 3m, 10m }.Select(k => (double)(k * (decimal)LearningRate))]; // decimal: 0.3 × 1e-3 is exactly 3e-4


    /// <summary>True for the variants whose decay acts on the weights outside the rule (SGDW, AdamW, Lion).</summary>
    public bool IsDecoupled => Decay == VariantDecay.Decoupled;

    /// <summary>True for the variants whose coefficient is an L1 λ₁ (soft-thresholding) rather than a weight decay.</summary>
    public bool IsL1 => Decay == VariantDecay.L1;

    /// <summary>The symbol of the variant's coefficient: λ₁ for L1, λ for decay.</summary>
    public string Symbol => IsL1 ? "λ₁" : "λ";

    public static IReadOnlyList<string> Names => All.Select(v => v.Name).ToArray();

    /// <summary>The variants <c>compare</c> runs by default: the four placements of weight decay.</summary>
    public static IReadOnlyList<string> DefaultNames => All.Where(v => v.InDefaultSet).Select(v => v.Name).ToArray();

    public static Variant Find(string name) =>
        All.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Cli.LabException($"unknown variant '{name}'; choose from {string.Join(", ", Names)}.");

    /// <summary>
    /// The learning-rate schedule of a run of <paramref name="totalSteps"/> steps peaking at <paramref name="peak"/>: warm-up
    /// then cosine, or, for a <see cref="ScheduleFree"/> variant, warm-up then constant.
    /// </summary>
    public ISchedule Schedule(double peak, long totalSteps)
    {
        long warmup = Math.Max(1, (long)Math.Round(WarmupFraction * totalSteps));
        if (ScheduleFree) return new LinearSchedule(peak, StartFactor, 1.0, Math.Min(warmup, Math.Max(1, totalSteps)));
        if (warmup >= totalSteps) return new CosineAnnealing(peak, Math.Max(1, totalSteps), FloorFactor * peak);
        return LabSchedules.WarmupCosine(peak, warmup, totalSteps, StartFactor, FloorFactor * peak);
    }

    /// <summary>Builds the optimizer and its learning-rate scheduler over <paramref name="parameters"/>.</summary>
    public OptimizerSetup Create(IEnumerable<Parameter> parameters, double learningRate, double weightDecay, long totalSteps, int threads,
        DecayScaling scaling = DecayScaling.LearningRate)
    {
        IReadOnlyList<ParameterGroup> groups = PerLayerDecay ? PerLayerGroups(parameters, weightDecay)
            : IsL1 ? L1Groups(parameters, weightDecay)
            : GroupBuilder.SplitByDecay(parameters, weightDecay);
        var optimizer = Build(groups, learningRate, weightDecay, scaling);
        optimizer.MaxDegreeOfParallelism = Math.Max(1, threads);
        var schedule = Schedule(learningRate, totalSteps);
        var scheduler = new Scheduler(optimizer.ParameterGroups, schedule);
        string rule = IsDecoupled && scaling == DecayScaling.ScheduleMultiplier ? Rule.Replace("lr·λ", "ηₜ·λ", StringComparison.Ordinal) : Rule;
        return new OptimizerSetup(optimizer, [scheduler], schedule,
            $"{rule}; lr {learningRate:G3} peak ({(ScheduleFree ? "warm-up, then constant" : "warm-up + cosine")}), {Symbol} {weightDecay:G3} on weight matrices");
    }

    /// <summary>One group per weight matrix with λ spread geometrically from λ/10 to 10·λ (<see cref="GroupBuilder.Geometric"/>), and the rest undecayed.</summary>
    private static List<ParameterGroup> PerLayerGroups(IEnumerable<Parameter> parameters, double weightDecay)
    {
        var all = parameters.ToList();
        var weights = all.Where(DecayMask.IsDecayedByDefault).ToList();
        var groups = GroupBuilder.Geometric(weights.Select(w => (IEnumerable<Parameter>)[w]).ToList(), Hyperparameter.WeightDecay,
            weightDecay / 10, weightDecay * 10).ToList();
        var rest = all.Where(p => !DecayMask.IsDecayedByDefault(p)).ToList();
        if (rest.Count > 0) groups.Add(new ParameterGroup(rest, "no_decay", weightDecay: 0));
        return groups;
    }

    /// <summary>The decay mask's groups with λ = 0, and λ₁ on the weight matrices only.</summary>
    private static IReadOnlyList<ParameterGroup> L1Groups(IEnumerable<Parameter> parameters, double l1)
    {
        var groups = GroupBuilder.SplitByDecay(parameters, weightDecay: 0);
        foreach (var g in groups) g.L1 = g.Name == "no_decay" ? 0 : l1;
        return groups;
    }
}
