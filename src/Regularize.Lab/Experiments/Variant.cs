using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Schedules;

namespace Regularize.Lab.Experiments;

/// <summary>
/// The optimizer variants the lab compares. Each pairs an update rule with a place for weight decay (coupled L2 in the
/// gradient, or decoupled on the weights), default hyperparameters, and a learning-rate schedule: linear warm-up over
/// the first 5% of the steps from 1% of the peak, then cosine annealing to 1% of the peak at the last step.
/// Weight decay applies to the weight matrices only (<see cref="DecayMask"/>); biases are not decayed. For the L1
/// variants (<see cref="IsL1"/>) the coefficient is λ₁ instead of a weight decay, on the same weight matrices.
/// </summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Title">A short title for tables and plots.</param>
/// <param name="LearningRate">The default peak learning rate.</param>
/// <param name="WeightDecay">The default λ (λ₁ for the L1 variants).</param>
/// <param name="Rule">What the update does, in one line.</param>
/// <param name="InDefaultSet">True for the variants <c>compare</c> runs when <c>--variants</c> is not given.</param>
internal sealed record Variant(string Name, string Title, double LearningRate, double WeightDecay, string Rule, bool InDefaultSet = true)
{
    public const double WarmupFraction = 0.05;
    public const double StartFactor = 0.01;
    public const double FloorFactor = 0.01;
    public const double SgdMomentum = 0.9;

    /// <summary>The batch size the default learning rates and λ were chosen at (the lab's default <c>--batch-size</c>).</summary>
    public const int ReferenceBatchSize = 128;

    public static IReadOnlyList<Variant> All { get; } =
    [
        new("sgd-l2", "SGD + L2 (coupled)", 0.05, 5e-3, "SGD, momentum 0.9, λθ added to the gradient"),
        new("sgdw", "SGDW (decoupled)", 0.05, 5e-3, "SGD, momentum 0.9, θ shrunk by lr·λ outside the momentum"),
        new("adam-l2", "Adam + L2 (coupled)", 1e-3, 5e-3, "Adam, λθ added to the gradient before the moments"),
        new("adamw", "AdamW (decoupled)", 1e-3, 5e-3, "Adam, θ shrunk by lr·λ outside the moments"),
        new("sgd-l1", "SGD + L1 (proximal)", 0.05, 2e-3,
            "SGD, momentum 0.9, no decay; after each step θ ← sign(θ)·max(|θ| − lr·λ₁, 0)", InDefaultSet: false),
        new("adam-l1", "Adam + L1 (proximal)", 1e-3, 0.2,
            "Adam, no decay; after each step θ ← sign(θ)·max(|θ| − lr·λ₁, 0)", InDefaultSet: false),
        new("adamw-layers", "AdamW, λ per layer", 1e-3, 0.1,
            "Adam, θ shrunk by lr·λₖ outside the moments, λₖ geometric from λ/10 (first layer) to 10·λ (last)", InDefaultSet: false),
    ];

    /// <summary>True for the variants whose decay acts on the weights (SGDW, AdamW).</summary>
    public bool IsDecoupled => Name is "sgdw" or "adamw" or "adamw-layers";

    /// <summary>True for the variants whose coefficient is an L1 λ₁ (soft-thresholding) rather than a weight decay.</summary>
    public bool IsL1 => Name is "sgd-l1" or "adam-l1";

    /// <summary>The symbol of the variant's coefficient: λ₁ for L1, λ for decay.</summary>
    public string Symbol => IsL1 ? "λ₁" : "λ";

    public static IReadOnlyList<string> Names => All.Select(v => v.Name).ToArray();

    /// <summary>The variants <c>compare</c> runs by default: the four placements of weight decay.</summary>
    public static IReadOnlyList<string> DefaultNames => All.Where(v => v.InDefaultSet).Select(v => v.Name).ToArray();

    public static Variant Find(string name) =>
        All.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Cli.LabException($"unknown variant '{name}'; choose from {string.Join(", ", Names)}.");

    /// <summary>The learning-rate schedule of a run of <paramref name="totalSteps"/> steps peaking at <paramref name="peak"/>.</summary>
    public static ISchedule Schedule(double peak, long totalSteps)
    {
        long warmup = Math.Max(1, (long)Math.Round(WarmupFraction * totalSteps));
        if (warmup >= totalSteps) return new CosineAnnealing(peak, Math.Max(1, totalSteps), FloorFactor * peak);
        return LabSchedules.WarmupCosine(peak, warmup, totalSteps, StartFactor, FloorFactor * peak);
    }

    /// <summary>Builds the optimizer and its learning-rate scheduler over <paramref name="parameters"/>.</summary>
    public OptimizerSetup Create(IEnumerable<Parameter> parameters, double learningRate, double weightDecay, long totalSteps, int threads,
        DecayScaling scaling = DecayScaling.LearningRate)
    {
        var groups = Name == "adamw-layers" ? PerLayerGroups(parameters, weightDecay)
            : IsL1 ? L1Groups(parameters, weightDecay)
            : GroupBuilder.SplitByDecay(parameters, weightDecay);
        Optimizer optimizer = Name switch
        {
            "sgd-l2" => new Sgd(groups, learningRate, momentum: SgdMomentum, weightDecay: weightDecay),
            "sgdw" => new SgdW(groups, learningRate, momentum: SgdMomentum, weightDecay: weightDecay, decayScaling: scaling),
            "adam-l2" => new Adam(groups, learningRate, weightDecay: weightDecay),
            "adamw" or "adamw-layers" => new AdamW(groups, learningRate, weightDecay: weightDecay, decayScaling: scaling),
            "sgd-l1" => new Sgd(groups, learningRate, momentum: SgdMomentum),
            "adam-l1" => new Adam(groups, learningRate),
            _ => throw new InvalidOperationException($"variant {Name} has no optimizer"),
        };
        optimizer.MaxDegreeOfParallelism = Math.Max(1, threads);
        var schedule = Schedule(learningRate, totalSteps);
        var scheduler = new Scheduler(optimizer.ParameterGroups, schedule);
        string rule = IsDecoupled && scaling == DecayScaling.ScheduleMultiplier ? Rule.Replace("lr·λ", "ηₜ·λ", StringComparison.Ordinal) : Rule;
        return new OptimizerSetup(optimizer, [scheduler], schedule,
            $"{rule}; lr {learningRate:G3} peak (warm-up + cosine), {Symbol} {weightDecay:G3} on weight matrices");
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
