using System.Text.RegularExpressions;
using Regularize.Nn;
using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>Builds parameter groups from parameter names, and spreads a hyperparameter over layer groups.</summary>
public static class GroupBuilder
{
    /// <summary>Splits parameters into the ones <paramref name="predicate"/> selects and the rest, in order; empty groups are left out.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="predicate">Which parameters go to the first group.</param>
    /// <param name="configure">Sets the selected group's hyperparameters (unset ones take the optimizer's defaults).</param>
    /// <param name="name">The selected group's label; the other is named <c>rest</c>.</param>
    public static IReadOnlyList<ParameterGroup> Split(IEnumerable<Parameter> parameters, Func<Parameter, bool> predicate,
        Action<ParameterGroup>? configure = null, string name = "selected")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(predicate);
        var list = parameters.ToList();
        var selected = list.Where(predicate).ToList();
        var rest = list.Where(p => !predicate(p)).ToList();
        var groups = new List<ParameterGroup>(2);
        if (selected.Count > 0)
        {
            var g = new ParameterGroup(selected, name);
            configure?.Invoke(g);
            groups.Add(g);
        }
        if (rest.Count > 0) groups.Add(new ParameterGroup(rest, "rest"));
        return groups;
    }

    /// <summary>
    /// Splits parameters into two groups by a decay mask: the decayed ones, named <c>decay</c> (weight decay left
    /// unset, so the optimizer's default applies, or <paramref name="weightDecay"/> when given), and the rest,
    /// named <c>no_decay</c>, with weight decay 0. Empty groups are left out.
    /// </summary>
    /// <param name="parameters">The parameters, for example a model's.</param>
    /// <param name="weightDecay">λ for the decayed group, or null for the optimizer's default.</param>
    /// <param name="isDecayed">Which parameters decay; <see cref="DecayMask.IsDecayedByDefault"/> when null.</param>
    public static IReadOnlyList<ParameterGroup> SplitByDecay(IEnumerable<Parameter> parameters, double? weightDecay = null, Func<Parameter, bool>? isDecayed = null)
    {
        var groups = Split(parameters, isDecayed ?? DecayMask.IsDecayedByDefault, g => { if (weightDecay is double wd) g.WeightDecay = wd; }, "decay").ToList();
        for (int i = 0; i < groups.Count; i++)
        {
            if (groups[i].Name != "rest") continue;
            var g = new ParameterGroup(groups[i].Parameters, "no_decay", weightDecay: 0);
            groups[i] = g;
        }
        return groups;
    }

    /// <summary>
    /// Splits parameters by a glob on their names: <c>*</c> matches any run of characters (dots included),
    /// <c>?</c> one character; the whole name must match (<c>*.bias</c>, <c>encoder.*</c>).
    /// </summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="glob">The name pattern.</param>
    /// <param name="configure">Sets the matching group's hyperparameters.</param>
    public static IReadOnlyList<ParameterGroup> Split(IEnumerable<Parameter> parameters, string glob, Action<ParameterGroup>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(glob);
        var regex = new Regex("^" + Regex.Escape(glob).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);
        return Split(parameters, p => regex.IsMatch(p.Name), configure, glob);
    }

    /// <summary>Splits parameters by a regular expression searched in their names.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="regex">The pattern; a parameter matches when the pattern is found in its name.</param>
    /// <param name="configure">Sets the matching group's hyperparameters.</param>
    public static IReadOnlyList<ParameterGroup> Split(IEnumerable<Parameter> parameters, Regex regex, Action<ParameterGroup>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(regex);
        return Split(parameters, p => regex.IsMatch(p.Name), configure, regex.ToString());
    }

    /// <summary>
    /// Discriminative rates: one group per layer, layer k of n getting value low·(high/low)^(k/(n−1)),
    /// so the first layer gets <paramref name="low"/> and the last <paramref name="high"/>, geometrically spaced.
    /// </summary>
    /// <param name="layers">The layers' parameters, first (input side) to last.</param>
    /// <param name="hyperparameter">Which hyperparameter to spread (usually the learning rate, or the weight decay).</param>
    /// <param name="low">The first layer's value, &gt; 0.</param>
    /// <param name="high">The last layer's value, &gt; 0.</param>
    public static IReadOnlyList<ParameterGroup> Geometric(IReadOnlyList<IEnumerable<Parameter>> layers, Hyperparameter hyperparameter, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("Geometric needs at least one layer.", nameof(layers));
        if (!(double.IsFinite(low) && low > 0)) throw new ArgumentOutOfRangeException(nameof(low), low, $"low must be > 0, was {low}.");
        if (!(double.IsFinite(high) && high > 0)) throw new ArgumentOutOfRangeException(nameof(high), high, $"high must be > 0, was {high}.");
        var groups = new List<ParameterGroup>(layers.Count);
        for (int k = 0; k < layers.Count; k++)
        {
            double value = layers.Count == 1 ? high : low * Math.Pow(high / low, (double)k / (layers.Count - 1));
            var g = new ParameterGroup(layers[k], $"layer{k}");
            g.Set(hyperparameter, value);
            groups.Add(g);
        }
        return groups;
    }
}
