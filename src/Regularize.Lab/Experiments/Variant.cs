using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Schedules;

namespace Regularize.Lab.Experiments;

/// <summary>
/// The optimizer variants the lab compares. Each pairs an update rule with a place for weight decay (coupled L2 in the
/// gradient, or decoupled on the weights), default hyperparameters, and a learning-rate schedule: linear warm-up over
/// the first 5% of the steps from 1% of the peak, then cosine annealing to 1% of the peak at the last step.
/// Weight decay applies to the weight matrices only (<see cref="DecayMask"/>); biases are not decayed.
/// </summary>
internal sealed record Variant(string Name, string Title, double LearningRate, double WeightDecay, string Rule)
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
    ];

    /// <summary>True for the variants whose decay acts on the weights (SGDW, AdamW).</summary>
    public bool IsDecoupled => Name is "sgdw" or "adamw";

    public static IReadOnlyList<string> Names => All.Select(v => v.Name).ToArray();

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
        var groups = DecayMask.Groups(parameters, weightDecay);
        Optimizer optimizer = Name switch
        {
            "sgd-l2" => new Sgd(groups, learningRate, momentum: SgdMomentum, weightDecay: weightDecay),
            "sgdw" => new SgdW(groups, learningRate, momentum: SgdMomentum, weightDecay: weightDecay, decayScaling: scaling),
            "adam-l2" => new Adam(groups, learningRate, weightDecay: weightDecay),
            "adamw" => new AdamW(groups, learningRate, weightDecay: weightDecay, decayScaling: scaling),
            _ => throw new InvalidOperationException($"variant {Name} has no optimizer"),
        };
        optimizer.MaxDegreeOfParallelism = Math.Max(1, threads);
        var schedule = Schedule(learningRate, totalSteps);
        var scheduler = new Scheduler(optimizer.ParameterGroups, schedule);
        string rule = IsDecoupled && scaling == DecayScaling.ScheduleMultiplier ? Rule.Replace("lr·λ", "ηₜ·λ", StringComparison.Ordinal) : Rule;
        return new OptimizerSetup(optimizer, [scheduler], schedule,
            $"{rule}; lr {learningRate:G3} peak (warm-up + cosine), λ {weightDecay:G3} on weight matrices");
    }
}
