using Regularize.Lab.Experiments;

namespace Regularize.Lab.Output;

/// <summary>The per-epoch plots of runs side by side: loss, accuracy, and the norm of the decayed weights.</summary>
internal static class EpochCharts
{
    /// <summary>
    /// Writes <c>loss</c>, <c>accuracy</c> (test bold, train pale) and <c>weight-norm</c> (‖θ‖₂ of the decayed
    /// parameters, epoch 0 being the initial weights) as PNG and SVG into <paramref name="output"/>, one colour per run.
    /// </summary>
    public static IReadOnlyList<string> Write(string output, IReadOnlyList<(string Name, TrialResult Result)> runs)
    {
        var loss = new List<Series>();
        var accuracy = new List<Series>();
        var norm = new List<Series>();
        for (int i = 0; i < runs.Count; i++)
        {
            var (name, r) = runs[i];
            double[] epochs = r.History.Select(m => (double)m.Epoch).ToArray();
            loss.Add(new Series($"{name} test", epochs, r.History.Select(m => m.TestLoss).ToArray(), Color: i));
            loss.Add(new Series($"{name} train", epochs, r.History.Select(m => m.TrainLoss).ToArray(), Color: i, Pale: true));
            accuracy.Add(new Series($"{name} test", epochs, r.History.Select(m => 100 * m.TestAccuracy).ToArray(), Color: i));
            accuracy.Add(new Series($"{name} train", epochs, r.History.Select(m => 100 * m.TrainAccuracy).ToArray(), Color: i, Pale: true));
            norm.Add(new Series(name, [0, .. epochs], [r.InitialDecayedWeightNorm, .. r.History.Select(m => m.DecayedWeightNorm)], Color: i));
        }
        return
        [
            .. Charts.Lines(Path.Combine(output, "loss"), "Cross-entropy loss per epoch (bold: test, pale: train)",
                "epoch", "loss (nats per example)", loss, integerX: true),
            .. Charts.Lines(Path.Combine(output, "accuracy"), "Accuracy per epoch (bold: test, pale: train)",
                "epoch", "accuracy (%)", accuracy, integerX: true),
            .. Charts.Lines(Path.Combine(output, "weight-norm"), "Norm of the weight matrices (the decayed parameters)",
                "epoch (0: initial weights)", "‖θ‖₂", norm, integerX: true),
        ];
    }
}
