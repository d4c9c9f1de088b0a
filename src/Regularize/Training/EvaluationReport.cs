namespace Regularize.Training;

/// <summary>What <see cref="Evaluator.Evaluate"/> measured on a dataset.</summary>
/// <param name="Loss">The mean loss per example.</param>
/// <param name="Accuracy">The fraction of examples classified correctly (for multi-label, of indicators), in [0, 1];
/// NaN for regression.</param>
/// <param name="TopK">The k of <see cref="TopKAccuracy"/>.</param>
/// <param name="TopKAccuracy">The fraction of examples whose true class is among the k largest outputs; NaN when the
/// targets are not classes.</param>
/// <param name="Confusion">The confusion matrix, or null when the targets are not classes.</param>
/// <param name="Count">The number of examples.</param>
public sealed record EvaluationReport(double Loss, double Accuracy, int TopK, double TopKAccuracy, ConfusionMatrix? Confusion, int Count)
{
    /// <summary>Per class, the fraction of its examples classified correctly; empty when the targets are not classes.</summary>
    public double[] PerClassAccuracy => Confusion?.PerClassAccuracy() ?? [];
}
