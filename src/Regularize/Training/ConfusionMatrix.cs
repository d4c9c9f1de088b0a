namespace Regularize.Training;

/// <summary>
/// Counts of (true class, predicted class) pairs: <c>Counts[t, p]</c> is the number of examples of class t that the
/// model put in class p. The diagonal holds the correct predictions.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    /// <summary>Creates an empty matrix for <paramref name="classCount"/> classes.</summary>
    /// <param name="classCount">The number of classes; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">The class count is not positive.</exception>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        _counts = new long[classCount, classCount];
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount => _counts.GetLength(0);

    /// <summary>The number of examples of class <paramref name="trueClass"/> predicted as <paramref name="predicted"/>.</summary>
    /// <param name="trueClass">The true class.</param>
    /// <param name="predicted">The predicted class.</param>
    public long this[int trueClass, int predicted] => _counts[trueClass, predicted];

    /// <summary>The number of examples counted.</summary>
    public long Total
    {
        get
        {
            long sum = 0;
            foreach (long c in _counts) sum += c;
            return sum;
        }
    }

    /// <summary>Counts one example.</summary>
    /// <param name="trueClass">Its true class, in [0, ClassCount).</param>
    /// <param name="predicted">Its predicted class, in [0, ClassCount).</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is out of range.</exception>
    public void Add(int trueClass, int predicted)
    {
        if ((uint)trueClass >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(trueClass), trueClass, $"Classes are 0..{ClassCount - 1}.");
        if ((uint)predicted >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"Classes are 0..{ClassCount - 1}.");
        _counts[trueClass, predicted]++;
    }

    /// <summary>The fraction of all examples on the diagonal, in [0, 1]; NaN when empty.</summary>
    public double Accuracy
    {
        get
        {
            long diagonal = 0;
            for (int c = 0; c < ClassCount; c++) diagonal += _counts[c, c];
            long total = Total;
            return total == 0 ? double.NaN : (double)diagonal / total;
        }
    }

    /// <summary>Per class, the fraction of its examples predicted correctly (the recall, row c's diagonal share); NaN
    /// for a class with no examples.</summary>
    public double[] PerClassAccuracy()
    {
        var result = new double[ClassCount];
        for (int t = 0; t < ClassCount; t++)
        {
            long row = 0;
            for (int p = 0; p < ClassCount; p++) row += _counts[t, p];
            result[t] = row == 0 ? double.NaN : (double)_counts[t, t] / row;
        }
        return result;
    }

    /// <summary>The counts as a jagged array, rows by true class.</summary>
    public long[][] ToArray()
    {
        var rows = new long[ClassCount][];
        for (int t = 0; t < ClassCount; t++)
        {
            rows[t] = new long[ClassCount];
            for (int p = 0; p < ClassCount; p++) rows[t][p] = _counts[t, p];
        }
        return rows;
    }
}
