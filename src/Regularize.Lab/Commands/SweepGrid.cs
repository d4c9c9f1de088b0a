using Regularize.Lab.Cli;

namespace Regularize.Lab.Commands;

/// <summary>What defines a grid: two result files can be merged only when these agree.</summary>
internal sealed record SweepGrid(string Optimizer, string DecayScaling, double[] LearningRates, double[] WeightDecays,
    int Epochs, int BatchSize, int[] Hidden, ulong Seed, int TrainExamples, int TestExamples, string DataFingerprint, string Model = "mlp", bool Augment = false)
{
    public int TrialCount => LearningRates.Length * WeightDecays.Length;

    public string Describe() =>
        $"{Optimizer} ({DecayScaling} decay scaling), lr {Lists.Format(LearningRates)} × λ {Lists.Format(WeightDecays)}, " +
        $"{Epochs} epochs, batch {BatchSize}, {(Model == "cnn" ? "CNN" : "MLP")} {string.Join("-", Hidden)}, seed {Seed}{(Augment ? ", augmented" : "")}, data {TrainExamples}/{TestExamples} ({DataFingerprint})";

    public bool SameAs(SweepGrid other) =>
        Optimizer == other.Optimizer && DecayScaling == other.DecayScaling && LearningRates.SequenceEqual(other.LearningRates)
        && WeightDecays.SequenceEqual(other.WeightDecays) && Epochs == other.Epochs && BatchSize == other.BatchSize
        && Hidden.SequenceEqual(other.Hidden) && Seed == other.Seed && TrainExamples == other.TrainExamples
        && TestExamples == other.TestExamples && DataFingerprint == other.DataFingerprint && (Model ?? "mlp") == (other.Model ?? "mlp") && Augment == other.Augment;
}
