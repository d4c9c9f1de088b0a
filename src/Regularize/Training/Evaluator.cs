using Regularize.Autograd;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>
/// Evaluation and prediction without an optimizer or a trainer: the model runs in evaluation mode without gradients,
/// in batches, and is put back in the mode it was in.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// The loss, accuracy, top-k accuracy, per-class accuracy and confusion matrix of <paramref name="model"/> on
    /// <paramref name="data"/>, in index order. Class-indexed data uses <paramref name="loss"/>; data with float
    /// targets (<see cref="ITargetDataset"/>) uses <paramref name="targetLoss"/> or its kind's default, as
    /// <see cref="Trainer"/> does.
    /// </summary>
    /// <param name="model">The model; its output is <c>[N, C]</c> for classes.</param>
    /// <param name="data">The examples.</param>
    /// <param name="topK">k of the top-k accuracy; positive (capped at the number of classes).</param>
    /// <param name="batchSize">Examples per forward pass; positive. It does not change the results.</param>
    /// <param name="loss">The loss against labels; cross-entropy by default.</param>
    /// <param name="targetLoss">The loss against float targets; null for the kind's default.</param>
    /// <exception cref="ArgumentOutOfRangeException">k or the batch size is not positive.</exception>
    public static EvaluationReport Evaluate(Module model, IDataset data, int topK = 5, int batchSize = 1000,
        LossFunction? loss = null, TargetLossFunction? targetLoss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        loss ??= Trainer.CrossEntropy;
        var loader = new DataLoader(data, Math.Min(batchSize, data.Count), shuffle: false);
        bool wasTraining = model.IsTraining;
        double lossSum = 0, correct = 0;
        long inTopK = 0, seen = 0;
        ConfusionMatrix? confusion = null;
        bool classes = true;
        model.Eval();
        try
        {
            using (GradMode.NoGrad())
            {
                foreach (Batch batch in loader)
                {
                    using (TensorScope.Begin())
                    {
                        Tensor output = model.Forward(batch.Inputs);
                        lossSum += (double)BatchScoring.Loss(output, batch, loss, targetLoss).Item() * batch.Count;
                        correct += BatchScoring.Correct(output, batch);
                        seen += batch.Count;
                        classes = batch.Targets is null || batch.TargetKind is TargetKind.ClassIndices or TargetKind.ClassProbabilities;
                        if (!classes) continue;
                        ReadOnlySpan<float> x = output.Span;
                        int c = x.Length / batch.Count;
                        confusion ??= new ConfusionMatrix(c);
                        for (int i = 0; i < batch.Count; i++)
                        {
                            var row = x.Slice(i * c, c);
                            int truth = BatchScoring.TrueClass(batch, i, c);
                            if ((uint)truth >= (uint)c)
                            {
                                throw new ArgumentException($"Evaluate: example {seen - batch.Count + i} has class {truth}, but the model outputs {c} classes.", nameof(data));
                            }
                            confusion.Add(truth, BatchScoring.ArgMax(row));
                            if (Rank(row, truth) < topK) inTopK++;
                        }
                    }
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        int k = confusion is null ? topK : Math.Min(topK, confusion.ClassCount);
        return new EvaluationReport(lossSum / seen, correct / seen, k,
            classes ? (double)inTopK / seen : double.NaN, classes ? confusion : null, (int)seen);
    }

    /// <summary>
    /// The model's outputs for <paramref name="inputs"/> (<c>[N, ...]</c>), in evaluation mode without gradients, in
    /// batches of <paramref name="batchSize"/>; a new tensor that outlives any <see cref="TensorScope"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The examples, axis 0 indexing them.</param>
    /// <param name="batchSize">Examples per forward pass; positive. It does not change the results.</param>
    /// <exception cref="ArgumentException">The inputs are a scalar or hold no example.</exception>
    public static Tensor Predict(Module model, Tensor inputs, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (inputs.Rank == 0 || inputs.Shape[0] == 0)
        {
            throw new ArgumentException($"Predict: inputs {inputs.Shape} need an example axis with at least one example.", nameof(inputs));
        }
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using (GradMode.NoGrad())
            {
                int n = inputs.Shape[0];
                var parts = new List<Tensor>();
                for (int start = 0; start < n; start += batchSize)
                {
                    using (TensorScope.Begin())
                    {
                        parts.Add(TensorScope.Keep(model.Forward(inputs.Rows(start, Math.Min(batchSize, n - start)))));
                    }
                }
                return parts.Count == 1 ? parts[0] : TensorScope.Keep(Tensor.Concat(parts));
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>The class indices of the largest outputs of <see cref="Predict"/>, one per example.</summary>
    /// <param name="model">The model; its output is <c>[N, C]</c>.</param>
    /// <param name="inputs">The examples.</param>
    /// <param name="batchSize">Examples per forward pass; positive.</param>
    public static int[] PredictClasses(Module model, Tensor inputs, int batchSize = 1000) => Predict(model, inputs, batchSize).ArgMax(-1);

    /// <summary>How many classes score strictly higher than <paramref name="truth"/> (ties count in its favour).</summary>
    private static int Rank(ReadOnlySpan<float> row, int truth)
    {
        int rank = 0;
        for (int c = 0; c < row.Length; c++)
        {
            if (row[c] > row[truth]) rank++;
        }
        return rank;
    }
}
