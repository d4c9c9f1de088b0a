namespace Regularize.Lab.Experiments;

/// <summary>
/// How well a foreground mask matches the truth, over every pixel of every frame:
/// precision = TP/(TP + FP), recall = TP/(TP + FN), F1 = 2·precision·recall/(precision + recall) (0 when undefined).
/// </summary>
internal readonly record struct MaskScore(long TruePositives, long FalsePositives, long FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static MaskScore Of(ReadOnlySpan<bool> mask, ReadOnlySpan<bool> truth)
    {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] && truth[i]) tp++;
            else if (mask[i]) fp++;
            else if (truth[i]) fn++;
        }
        return new MaskScore(tp, fp, fn);
    }
}
