using Regularize.Nn;

namespace Regularize.Regularization;

/// <summary>
/// Chooses which parameters weight decay applies to. The default rule leaves undecayed what decay
/// should not shrink toward zero: biases and normalisation gains/offsets.
/// </summary>
/// <remarks>
/// The default rule (<see cref="IsDecayedByDefault"/>), on the parameter's dot-separated name and rank,
/// says a parameter is <b>not</b> decayed when any of these holds:
/// <list type="bullet">
/// <item>its rank is 0 or 1 (biases, LayerNorm/BatchNorm weights, scalars);</item>
/// <item>its last name segment is <c>bias</c> (<c>*.bias</c>);</item>
/// <item>a name segment contains <c>norm</c> (<c>layer_norm</c>, <c>LayerNorm</c>, <c>norm1</c>), ignoring case;</item>
/// <item>a name segment is <c>ln</c> or <c>bn</c>, optionally followed by digits or by <c>_</c> and more (<c>ln_f</c>, <c>bn1</c>).</item>
/// </list>
/// Everything else (matrices, convolution kernels, embeddings) is decayed. Pass your own predicate when this does not fit.
/// <c>GroupBuilder.SplitByDecay</c> (in Optimizers) builds the decayed and undecayed parameter groups from a mask.
/// </remarks>
public static class DecayMask
{
    /// <summary>The default rule: true when <paramref name="parameter"/> should be decayed.</summary>
    public static bool IsDecayedByDefault(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Shape.Rank <= 1) return false;
        var segments = parameter.Name.Split('.');
        if (segments[^1] == "bias") return false;
        foreach (var s in segments)
        {
            if (s.Contains("norm", StringComparison.OrdinalIgnoreCase)) return false;
            if (IsNormAbbreviation(s, "ln") || IsNormAbbreviation(s, "bn")) return false;
        }
        return true;
    }

    private static bool IsNormAbbreviation(string segment, string prefix)
    {
        if (!segment.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var rest = segment.AsSpan(prefix.Length);
        if (rest.IsEmpty || rest[0] == '_') return true;
        foreach (char c in rest) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
