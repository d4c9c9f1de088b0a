using System.Globalization;
using Regularize.Training;

namespace Regularize.Lab.Output;

/// <summary>Cells that the training commands' tables share.</summary>
internal static class TableCells
{
    /// <summary>An epoch's train loss, test loss, test accuracy (%) and ‖θ‖₂ of the decayed weights, in that order.</summary>
    public static string[] Final(EpochMetrics m) =>
    [
        m.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
        m.TestLoss.ToString("F4", CultureInfo.InvariantCulture),
        (100 * m.TestAccuracy).ToString("F2", CultureInfo.InvariantCulture) + "%",
        m.DecayedWeightNorm.ToString("F2", CultureInfo.InvariantCulture),
    ];
}
