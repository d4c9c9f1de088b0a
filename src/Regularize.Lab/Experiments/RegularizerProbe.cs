using Regularize.Data;
using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>
/// Measures, at each evaluation (so with the averaged weights swapped in for EMA and SWA), the plain cross-entropy and
/// the accuracy on the training set in evaluation mode (no dropout, no mixing, no smoothing: comparable across arms), on
/// the validation set and on the test set, and the norm of the weight matrices.
/// </summary>
internal sealed class RegularizerProbe(IDataset train, IDataset validation, IDataset test) : TrainerCallback
{
    public List<(EvaluationReport Train, EvaluationReport Validation, EvaluationReport Test, double Norm)> Epochs { get; } = [];

    public double LastValidationLoss => Epochs.Count == 0 ? double.NaN : Epochs[^1].Validation.Loss;

    public override void OnEvaluating(Trainer trainer) =>
        Epochs.Add((Measure(trainer, train), Measure(trainer, validation), Measure(trainer, test), trainer.WeightNorms().Decayed));

    /// <summary>Cross-entropy and accuracy of the trainer's model on <paramref name="data"/>.</summary>
    public static EvaluationReport Measure(Trainer trainer, IDataset data) => Evaluator.Evaluate(trainer.Model!, data, topK: 1);
}
