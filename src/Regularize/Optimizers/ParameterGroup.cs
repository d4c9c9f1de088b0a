using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>
/// A set of parameters that share hyperparameters. Each group of an optimizer has its own learning
/// rate, weight decay and moment settings, which is how one layer gets a different rate or decay from another.
/// Schedulers write into these properties before each step; optimizers read them at each step.
/// </summary>
/// <remarks>
/// A value that was never set is "unset": an optimizer built over the group fills it with the
/// optimizer's constructor default (as PyTorch does with its <c>defaults</c>), and <see cref="IsSet"/>
/// tells the two apart. Before that, reading an unset value gives the library default
/// (learning rate 0, weight decay 0, momentum 0, β₁ 0.9, β₂ 0.999, ε 1e-8, dampening 0, L1 0).
/// </remarks>
public sealed class ParameterGroup
{
    private static readonly int Count = Enum.GetValues<Hyperparameter>().Length;
    private readonly double?[] _values = new double?[Count];

    /// <summary>Creates a group over <paramref name="parameters"/>, optionally with its own hyperparameters.</summary>
    /// <param name="parameters">The parameters; none may appear twice.</param>
    /// <param name="name">An optional label used in messages and checkpoints.</param>
    /// <param name="learningRate">The group's learning rate, or null to take the optimizer's.</param>
    /// <param name="weightDecay">The group's weight decay, or null to take the optimizer's.</param>
    /// <exception cref="ArgumentException">A parameter appears twice, or a value is out of range.</exception>
    public ParameterGroup(IEnumerable<Parameter> parameters, string? name = null, double? learningRate = null, double? weightDecay = null)
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
        if (learningRate is double lr) LearningRate = lr;
        if (weightDecay is double wd) WeightDecay = wd;
    }

    /// <summary>The group's label (may be empty).</summary>
    public string Name { get; }

    /// <summary>The parameters of the group, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate γ (<c>lr</c>); must be finite and ≥ 0.</summary>
    public double LearningRate { get => Get(Hyperparameter.LearningRate); set => Set(Hyperparameter.LearningRate, value); }

    /// <summary>The weight-decay coefficient λ (<c>weightDecay</c>); must be finite and ≥ 0.</summary>
    public double WeightDecay { get => Get(Hyperparameter.WeightDecay); set => Set(Hyperparameter.WeightDecay, value); }

    /// <summary>SGD's momentum μ, in [0, 1).</summary>
    public double Momentum { get => Get(Hyperparameter.Momentum); set => Set(Hyperparameter.Momentum, value); }

    /// <summary>Adam's β₁, in [0, 1).</summary>
    public double Beta1 { get => Get(Hyperparameter.Beta1); set => Set(Hyperparameter.Beta1, value); }

    /// <summary>Adam's β₂, in [0, 1).</summary>
    public double Beta2 { get => Get(Hyperparameter.Beta2); set => Set(Hyperparameter.Beta2, value); }

    /// <summary>Adam's ε, finite and ≥ 0.</summary>
    public double Epsilon { get => Get(Hyperparameter.Epsilon); set => Set(Hyperparameter.Epsilon, value); }

    /// <summary>SGD's dampening τ, in [0, 1].</summary>
    public double Dampening { get => Get(Hyperparameter.Dampening); set => Set(Hyperparameter.Dampening, value); }

    /// <summary>The L1 coefficient λ₁, finite and ≥ 0; how it acts is <see cref="L1Mode"/>.</summary>
    public double L1 { get => Get(Hyperparameter.L1); set => Set(Hyperparameter.L1, value); }

    /// <summary>How <see cref="L1"/> enters the update, or null to take the optimizer's default (<see cref="Regularization.L1Mode.Proximal"/>).</summary>
    public L1Mode? L1Mode { get; set; }

    /// <summary>SGD: Nesterov momentum, or null to take the optimizer's default.</summary>
    public bool? Nesterov { get; set; }

    /// <summary>Adam: the AMSGrad variant, or null to take the optimizer's default.</summary>
    public bool? AmsGrad { get; set; }

    /// <summary>Ascend instead of descend (the gradient's sign is flipped first), or null to take the optimizer's default.</summary>
    public bool? Maximize { get; set; }

    /// <summary>
    /// The learning rate the group started with; <see cref="DecayScaling.ScheduleMultiplier"/> computes
    /// the schedule multiplier ηₜ = lr / InitialLearningRate from it. Null until an optimizer fills it
    /// with the group's learning rate at construction.
    /// </summary>
    public double? InitialLearningRate { get; set; }

    /// <summary>
    /// An explicit schedule multiplier ηₜ for <see cref="DecayScaling.ScheduleMultiplier"/>; when null,
    /// ηₜ = <see cref="LearningRate"/> / <see cref="InitialLearningRate"/>.
    /// </summary>
    public double? ScheduleMultiplier { get; set; }

    /// <summary>Reads a hyperparameter by kind (the library default when it is unset).</summary>
    public double Get(Hyperparameter hyperparameter) => _values[Index(hyperparameter)] ?? Default(hyperparameter);

    /// <summary>Writes a hyperparameter by kind, with the same validation as its property.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range; the message names it.</exception>
    public void Set(Hyperparameter hyperparameter, double value) => _values[Index(hyperparameter)] = Check(hyperparameter, value);

    /// <summary>Whether the hyperparameter has been given a value (by the user, a schedule or an optimizer's defaults).</summary>
    public bool IsSet(Hyperparameter hyperparameter) => _values[Index(hyperparameter)].HasValue;

    /// <inheritdoc/>
    public override string ToString() => $"ParameterGroup '{Name}' ({Parameters.Count} parameters, lr {LearningRate}, weightDecay {WeightDecay})";

    internal void SetDefault(Hyperparameter hyperparameter, double value)
    {
        if (!IsSet(hyperparameter)) Set(hyperparameter, value);
    }

    private static int Index(Hyperparameter h) =>
        (uint)h < (uint)Count ? (int)h : throw new ArgumentOutOfRangeException(nameof(h), h, null);

    private static double Default(Hyperparameter h) => h switch
    {
        Hyperparameter.Beta1 => 0.9,
        Hyperparameter.Beta2 => 0.999,
        Hyperparameter.Epsilon => 1e-8,
        _ => 0,
    };

    /// <summary>The name used in messages and exported state: <c>learningRate</c>, <c>weightDecay</c>...</summary>
    internal static string CamelName(Hyperparameter h)
    {
        string s = h.ToString();
        return h == Hyperparameter.L1 ? "l1" : char.ToLowerInvariant(s[0]) + s[1..];
    }

    internal static double Check(Hyperparameter h, double value)
    {
        (double low, double high, bool upperOpen) = h switch
        {
            Hyperparameter.Momentum or Hyperparameter.Beta1 or Hyperparameter.Beta2 => (0.0, 1.0, true),
            Hyperparameter.Dampening => (0.0, 1.0, false),
            _ => (0.0, double.MaxValue, false),
        };
        bool ok = double.IsFinite(value) && value >= low && (upperOpen ? value < high : value <= high);
        if (!ok)
        {
            string name = CamelName(h);
            string range = upperOpen ? $"in [{low}, {high})" : high == double.MaxValue ? $">= {low}" : $"in [{low}, {high}]";
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {range}, was {value}.");
        }
        return value;
    }
}
