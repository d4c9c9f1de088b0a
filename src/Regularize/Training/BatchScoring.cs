using Regularize.Data;
using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>The default loss and the "correct" count of a batch for each <see cref="TargetKind"/>.</summary>
internal static class BatchScoring
{
    /// <summary>The loss of <paramref name="output"/> on <paramref name="batch"/>: <paramref name="labelLoss"/> for class
    /// indices, otherwise <paramref name="targetLoss"/> or the kind's default (cross-entropy against probabilities, MSE,
    /// BCE with logits).</summary>
    public static Tensor Loss(Tensor output, Batch batch, LossFunction labelLoss, TargetLossFunction? targetLoss)
    {
        if (batch.Targets is not { } targets || batch.TargetKind == TargetKind.ClassIndices) return labelLoss(output, batch.Labels);
        if (targetLoss is not null) return targetLoss(output, targets);
        return batch.TargetKind switch
        {
            TargetKind.ClassProbabilities => Losses.CrossEntropy(output, targets),
            TargetKind.Regression => Losses.MeanSquaredError(output, targets),
            TargetKind.MultiLabel => Losses.BinaryCrossEntropyWithLogits(output, targets),
            _ => throw new ArgumentOutOfRangeException(nameof(batch), batch.TargetKind, "Unknown target kind."),
        };
    }

    /// <summary>How many of the batch's examples the output gets right (a fraction per example for multi-label), or NaN
    /// for regression.</summary>
    public static double Correct(Tensor output, Batch batch)
    {
        ReadOnlySpan<float> x = output.Span;
        int n = batch.Count, width = x.Length / n;
        switch (batch.Targets is null ? TargetKind.ClassIndices : batch.TargetKind)
        {
            case TargetKind.Regression:
                return double.NaN;
            case TargetKind.MultiLabel:
            {
                ReadOnlySpan<float> t = batch.Targets!.Span;
                long agree = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    if ((x[i] > 0) == (t[i] > 0.5f)) agree++;
                }
                return (double)agree / width;
            }
            case TargetKind.ClassProbabilities:
            {
                ReadOnlySpan<float> t = batch.Targets!.Span;
                int correct = 0;
                for (int i = 0; i < n; i++)
                {
                    if (ArgMax(x.Slice(i * width, width)) == ArgMax(t.Slice(i * width, width))) correct++;
                }
                return correct;
            }
            default:
            {
                int correct = 0;
                for (int i = 0; i < n; i++)
                {
                    if (ArgMax(x.Slice(i * width, width)) == batch.Labels[i]) correct++;
                }
                return correct;
            }
        }
    }

    /// <summary>The class of each example: its label, or the arg-max of its probability targets; null for other kinds.</summary>
    public static int TrueClass(Batch batch, int i, int classes) => batch.Targets is null || batch.TargetKind == TargetKind.ClassIndices
        ? batch.Labels[i]
        : ArgMax(batch.Targets.Span.Slice(i * classes, classes));

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best]) best = c;
        }
        return best;
    }
}
