using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Regularize.Optimizers;

/// <summary>
/// A numeric hyperparameter of a <see cref="ParameterGroup"/> that optimizers read and schedules drive: a name
/// (the key in groups, exported state and messages), a valid range and a default. The well-known ones are static
/// properties (<see cref="LearningRate"/>, <see cref="WeightDecay"/>, …); an optimizer defines its own with
/// <see cref="Define"/>, and schedulers, checkpoints and messages then work with it like with any other.
/// </summary>
/// <remarks>
/// Names are unique (ignoring case): defining a name again with the same range and default returns the existing
/// instance, with a different one throws. Values must be finite.
/// </remarks>
[JsonConverter(typeof(HyperparameterJsonConverter))]
public sealed class Hyperparameter
{
    private static readonly ConcurrentDictionary<string, Hyperparameter> Registry = new(StringComparer.OrdinalIgnoreCase);

    private Hyperparameter(string name, double defaultValue, double minimum, bool minimumInclusive, double maximum, bool maximumInclusive)
    {
        Name = name;
        DefaultValue = defaultValue;
        Minimum = minimum;
        MinimumInclusive = minimumInclusive;
        Maximum = maximum;
        MaximumInclusive = maximumInclusive;
    }

    /// <summary>The learning rate γ (lr), ≥ 0.</summary>
    public static Hyperparameter LearningRate { get; } = Define("learningRate", 0);

    /// <summary>The weight-decay coefficient λ, ≥ 0; where it enters is the optimizer's <see cref="Regularization.DecayPlacement"/>.</summary>
    public static Hyperparameter WeightDecay { get; } = Define("weightDecay", 0);

    /// <summary>SGD's momentum μ, in [0, 1).</summary>
    public static Hyperparameter Momentum { get; } = Define("momentum", 0, maximum: 1, maximumInclusive: false);

    /// <summary>Adam's first-moment decay β₁, in [0, 1) (the "momentum" one-cycle cycles for Adam-family optimizers).</summary>
    public static Hyperparameter Beta1 { get; } = Define("beta1", 0.9, maximum: 1, maximumInclusive: false);

    /// <summary>Adam's second-moment decay β₂, in [0, 1).</summary>
    public static Hyperparameter Beta2 { get; } = Define("beta2", 0.999, maximum: 1, maximumInclusive: false);

    /// <summary>
    /// Adam's ε, added to the bias-corrected square root of the second moment; &gt; 0. Zero is rejected: with
    /// ε = 0 a weight whose gradient has been exactly 0 so far would get 0 / 0 = NaN.
    /// </summary>
    public static Hyperparameter Epsilon { get; } = Define("epsilon", 1e-8, minimumInclusive: false);

    /// <summary>SGD's dampening τ, in [0, 1]: the momentum buffer takes (1 − τ) of each new gradient.</summary>
    public static Hyperparameter Dampening { get; } = Define("dampening", 0, maximum: 1);

    /// <summary>The L1 coefficient λ₁, ≥ 0 (how it enters is the group's <see cref="ParameterGroup.L1Mode"/>).</summary>
    public static Hyperparameter L1 { get; } = Define("l1", 0);

    /// <summary>The hyperparameters every group exports: learning rate, weight decay, momentum, β₁, β₂, ε, dampening, L1.</summary>
    public static IReadOnlyList<Hyperparameter> WellKnown { get; } = [LearningRate, WeightDecay, Momentum, Beta1, Beta2, Epsilon, Dampening, L1];

    /// <summary>The name: the key in groups and exported state, and the name in messages (<c>learningRate</c>).</summary>
    public string Name { get; }

    /// <summary>The value a group reads before anything sets it.</summary>
    public double DefaultValue { get; }

    /// <summary>The lower end of the valid range.</summary>
    public double Minimum { get; }

    /// <summary>Whether <see cref="Minimum"/> itself is valid.</summary>
    public bool MinimumInclusive { get; }

    /// <summary>The upper end of the valid range (+∞ when unbounded).</summary>
    public double Maximum { get; }

    /// <summary>Whether <see cref="Maximum"/> itself is valid.</summary>
    public bool MaximumInclusive { get; }

    /// <summary>
    /// Defines a hyperparameter, or returns the one already defined under <paramref name="name"/> with the same
    /// range and default.
    /// </summary>
    /// <param name="name">The name, camelCase by convention (<c>rho</c>, <c>alpha</c>); letters and digits only.</param>
    /// <param name="defaultValue">The value a group reads before anything sets it; inside the range.</param>
    /// <param name="minimum">The lower end of the range.</param>
    /// <param name="maximum">The upper end of the range (+∞ for none).</param>
    /// <param name="minimumInclusive">Whether the lower end is valid.</param>
    /// <param name="maximumInclusive">Whether the upper end is valid.</param>
    /// <exception cref="ArgumentException">The name is empty or not alphanumeric, the range or default is invalid, or the name is taken with another range.</exception>
    public static Hyperparameter Define(string name, double defaultValue, double minimum = 0, double maximum = double.PositiveInfinity,
        bool minimumInclusive = true, bool maximumInclusive = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c)) throw new ArgumentException($"A hyperparameter name holds ASCII letters and digits only, was '{name}'.", nameof(name));
        }
        if (double.IsNaN(minimum) || double.IsNaN(maximum) || minimum > maximum)
            throw new ArgumentException($"Hyperparameter '{name}': the range [{minimum}, {maximum}] is empty.", nameof(maximum));
        var h = new Hyperparameter(name, defaultValue, minimum, minimumInclusive, maximum, maximumInclusive);
        if (!h.IsValid(defaultValue))
            throw new ArgumentException($"Hyperparameter '{name}': the default {defaultValue} is outside {h.Range}.", nameof(defaultValue));
        var existing = Registry.GetOrAdd(name, h);
        if (existing != h && !existing.SameAs(h))
            throw new ArgumentException($"A hyperparameter named '{existing.Name}' is already defined, {existing.Range} with default {existing.DefaultValue}.", nameof(name));
        return existing;
    }

    /// <summary>The hyperparameter defined under <paramref name="name"/> (ignoring case), if any.</summary>
    public static bool TryFind(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Hyperparameter? hyperparameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Registry.TryGetValue(name, out hyperparameter);
    }

    /// <summary>Whether <paramref name="value"/> is finite and inside the range.</summary>
    public bool IsValid(double value) =>
        double.IsFinite(value)
        && (MinimumInclusive ? value >= Minimum : value > Minimum)
        && (MaximumInclusive ? value <= Maximum : value < Maximum);

    /// <summary>Returns <paramref name="value"/> when it is valid.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the hyperparameter, its range and the value.</exception>
    public double Check(double value) =>
        IsValid(value) ? value : throw new ArgumentOutOfRangeException(Name, value, $"{Name} must be {Range}, was {value.ToString(CultureInfo.InvariantCulture)}.");

    /// <summary>The range as messages write it: <c>&gt;= 0</c>, <c>&gt; 0</c>, <c>in [0, 1)</c>.</summary>
    public string Range
    {
        get
        {
            string lo = Minimum.ToString(CultureInfo.InvariantCulture), hi = Maximum.ToString(CultureInfo.InvariantCulture);
            if (double.IsPositiveInfinity(Maximum)) return MinimumInclusive ? $">= {lo}" : $"> {lo}";
            return $"in {(MinimumInclusive ? "[" : "(")}{lo}, {hi}{(MaximumInclusive ? "]" : ")")}";
        }
    }

    /// <summary>The name with a capital first letter, as the enum this type replaces spelled it (<c>LearningRate</c>); <see cref="TryFind"/> accepts both spellings.</summary>
    public override string ToString() => char.ToUpperInvariant(Name[0]) + Name[1..];

    private bool SameAs(Hyperparameter o) =>
        Name == o.Name && DefaultValue.Equals(o.DefaultValue) && Minimum.Equals(o.Minimum) && Maximum.Equals(o.Maximum)
        && MinimumInclusive == o.MinimumInclusive && MaximumInclusive == o.MaximumInclusive;
}
