using Regularize.Nn;

namespace Regularize.Optimizers;

/// <summary>
/// A set of parameters that share hyperparameters. Each group of an optimizer has its own learning
/// rate, weight decay and moment settings, which is how one layer gets a different rate or decay from another.
/// Schedulers write into these properties before each step; optimizers read them at each step.
/// </summary>
public sealed class ParameterGroup
{
    private double _learningRate;
    private double _weightDecay;
    private double _momentum;
    private double _beta1 = 0.9;
    private double _beta2 = 0.999;

    /// <summary>Creates a group over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; none may appear twice.</param>
    /// <param name="name">An optional label used in messages and checkpoints.</param>
    /// <exception cref="ArgumentException">A parameter appears twice.</exception>
    public ParameterGroup(IEnumerable<Parameter> parameters, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var p in list)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!seen.Add(p)) throw new ArgumentException($"Parameter '{p.Name}' appears twice in the group.", nameof(parameters));
        }
        Parameters = list;
        Name = name ?? string.Empty;
    }

    /// <summary>The group's label (may be empty).</summary>
    public string Name { get; }

    /// <summary>The parameters of the group, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate γ; must be finite and ≥ 0.</summary>
    public double LearningRate { get => _learningRate; set => _learningRate = Check(value, nameof(LearningRate), 0, double.MaxValue); }

    /// <summary>The weight-decay coefficient λ; must be finite and ≥ 0.</summary>
    public double WeightDecay { get => _weightDecay; set => _weightDecay = Check(value, nameof(WeightDecay), 0, double.MaxValue); }

    /// <summary>SGD's momentum μ, in [0, 1).</summary>
    public double Momentum { get => _momentum; set => _momentum = Check(value, nameof(Momentum), 0, 1, upperOpen: true); }

    /// <summary>Adam's β₁, in [0, 1).</summary>
    public double Beta1 { get => _beta1; set => _beta1 = Check(value, nameof(Beta1), 0, 1, upperOpen: true); }

    /// <summary>Adam's β₂, in [0, 1).</summary>
    public double Beta2 { get => _beta2; set => _beta2 = Check(value, nameof(Beta2), 0, 1, upperOpen: true); }

    /// <summary>Reads a hyperparameter by kind.</summary>
    public double Get(Hyperparameter hyperparameter) => hyperparameter switch
    {
        Hyperparameter.LearningRate => LearningRate,
        Hyperparameter.WeightDecay => WeightDecay,
        Hyperparameter.Momentum => Momentum,
        Hyperparameter.Beta1 => Beta1,
        Hyperparameter.Beta2 => Beta2,
        _ => throw new ArgumentOutOfRangeException(nameof(hyperparameter), hyperparameter, null),
    };

    /// <summary>Writes a hyperparameter by kind, with the same validation as its property.</summary>
    public void Set(Hyperparameter hyperparameter, double value)
    {
        switch (hyperparameter)
        {
            case Hyperparameter.LearningRate: LearningRate = value; break;
            case Hyperparameter.WeightDecay: WeightDecay = value; break;
            case Hyperparameter.Momentum: Momentum = value; break;
            case Hyperparameter.Beta1: Beta1 = value; break;
            case Hyperparameter.Beta2: Beta2 = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(hyperparameter), hyperparameter, null);
        }
    }

    private static double Check(double value, string name, double low, double high, bool upperOpen = false)
    {
        bool ok = double.IsFinite(value) && value >= low && (upperOpen ? value < high : value <= high);
        if (!ok)
        {
            string range = upperOpen ? $"in [{low}, {high})" : $">= {low}";
            throw new ArgumentOutOfRangeException(name, value, $"{char.ToLowerInvariant(name[0])}{name[1..]} must be {range}, was {value}.");
        }
        return value;
    }
}
