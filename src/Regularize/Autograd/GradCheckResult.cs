namespace Regularize.Autograd;

/// <summary>The outcome of <see cref="GradCheck.Check"/>: the worst disagreement between analytic and numeric gradients.</summary>
/// <param name="MaxAbsoluteError">The largest |numeric − analytic|.</param>
/// <param name="MaxRelativeError">The largest |numeric − analytic| / max(1, |numeric|, |analytic|) (NaN if a gradient was NaN).</param>
/// <param name="WorstInput">Which input held the worst element (−1 if none had elements).</param>
/// <param name="WorstIndex">The flat index of the worst element in that input.</param>
/// <param name="Analytic">The analytic gradient there.</param>
/// <param name="Numeric">The numeric gradient there.</param>
public readonly record struct GradCheckResult(double MaxAbsoluteError, double MaxRelativeError, int WorstInput, int WorstIndex, double Analytic, double Numeric)
{
    /// <summary>True when the relative error is within <paramref name="tolerance"/>.</summary>
    public bool IsWithin(double tolerance) => MaxRelativeError <= tolerance;

    /// <inheritdoc/>
    public override string ToString() =>
        $"max relative error {MaxRelativeError:g3} (absolute {MaxAbsoluteError:g3}) at input {WorstInput}[{WorstIndex}]: analytic {Analytic:g6}, numeric {Numeric:g6}";
}
