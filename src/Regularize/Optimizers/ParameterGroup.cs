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
/// (<see cref="Hyperparameter.DefaultValue"/>: learning rate 0, weight decay 0, momentum 0, β₁ 0.9, β₂ 0.999,
/// ε 1e-8, dampening 0, L1 0). Any <see cref="Hyperparameter"/>, including one an optimizer defines, is stored by name.
/// </remarks>
public sealed class ParameterGroup
{
    private readonly Dictionary<Hyperparameter, double> _values = new(ReferenceEqualityComparer.Instance);

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

    /// <summary>Adam's ε, finite and &gt; 0.</summary>
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

    /// <summary>Reads a hyperparameter (its <see cref="Hyperparameter.DefaultValue"/> when it is unset).</summary>
    public double Get(Hyperparameter hyperparameter)
    {
        ArgumentNullException.ThrowIfNull(hyperparameter);
        return _values.TryGetValue(hyperparameter, out double v) ? v : hyperparameter.DefaultValue;
    }

    /// <summary>Writes a hyperparameter, with the same validation as its property.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range; the message names it.</exception>
    public void Set(Hyperparameter hyperparameter, double value)
    {
        ArgumentNullException.ThrowIfNull(hyperparameter);
        _values[hyperparameter] = hyperparameter.Check(value);
    }

    /// <summary>Whether the hyperparameter has been given a value (by the user, a schedule or an optimizer's defaults).</summary>
    public bool IsSet(Hyperparameter hyperparameter)
    {
        ArgumentNullException.ThrowIfNull(hyperparameter);
        return _values.ContainsKey(hyperparameter);
    }

    /// <summary>The hyperparameters that have been given a value, in no particular order.</summary>
    public IEnumerable<Hyperparameter> AssignedHyperparameters => _values.Keys;

    /// <inheritdoc/>
    public override string ToString() => $"ParameterGroup '{Name}' ({Parameters.Count} parameters, lr {LearningRate}, weightDecay {WeightDecay})";

    internal void SetDefault(Hyperparameter hyperparameter, double value)
    {
        if (!IsSet(hyperparameter)) Set(hyperparameter, value);
    }
}
