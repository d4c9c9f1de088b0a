using System.Globalization;
using Regularize.Lab.Cli;
using Regularize.Lab.Experiments;

namespace Regularize.Lab.Commands;

/// <summary>What defines a grid: two result files can be merged only when these agree.</summary>
internal sealed record SweepGrid(string Optimizer, string DecayScaling, double[] LearningRates, double[] WeightDecays,
    int Epochs, int BatchSize, int[] Hidden, ulong Seed, int TrainExamples, int TestExamples, string DataFingerprint, string Model = "mlp", bool Augment = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? DropPath = null)
{
    /// <summary>The most trials a grid may have: far more than any sweep runs, small enough that counting and listing
    /// the trials cannot overflow or exhaust memory.</summary>
    public const int MaxTrials = 1_000_000;

    /// <summary>The number of trials; <see cref="Check"/> (or the command's option checks) guarantee it fits.</summary>
    public int TrialCount => checked(LearningRates.Length * WeightDecays.Length);

    public string Describe() =>
        $"{Optimizer} ({DecayScaling} decay scaling), lr {Lists.Format(LearningRates)} × λ {Lists.Format(WeightDecays)}, " +
        $"{Lists.Count(Epochs, "epoch")}, batch {BatchSize}, {Model switch { "cnn" => "CNN", "resnet" => "ResNet", _ => "MLP" }} {string.Join("-", Hidden)}{(DropPath is { } p ? $" drop-path {p.ToString("R", CultureInfo.InvariantCulture)}" : "")}, seed {Seed}{(Augment ? ", augmented" : "")}, data {TrainExamples}/{TestExamples} ({DataFingerprint})";

    public bool SameAs(SweepGrid other) =>
        Optimizer == other.Optimizer && DecayScaling == other.DecayScaling && LearningRates.SequenceEqual(other.LearningRates)
        && WeightDecays.SequenceEqual(other.WeightDecays) && Epochs == other.Epochs && BatchSize == other.BatchSize
        && Hidden.SequenceEqual(other.Hidden) && Seed == other.Seed && TrainExamples == other.TrainExamples
        && TestExamples == other.TestExamples && DataFingerprint == other.DataFingerprint && (Model ?? "mlp") == (other.Model ?? "mlp") && Augment == other.Augment && (DropPath ?? 0) == (other.DropPath ?? 0);

    /// <summary>The learning rates and weight decays as the options accept them; null when they are, else the problem.</summary>
    public static string? Problem(double[]? learningRates, double[]? weightDecays, string lrName, string wdName)
    {
        if (learningRates is null) return $"{lrName} is missing or null";
        if (weightDecays is null) return $"{wdName} is missing or null";
        if (learningRates.Length == 0) return $"{lrName} is empty";
        if (weightDecays.Length == 0) return $"{wdName} is empty";
        if (learningRates.Any(v => !(v > 0) || !double.IsFinite(v))) return $"{lrName} must all be positive and finite, were {Lists.Format(learningRates)}";
        if (weightDecays.Any(v => !(v >= 0) || !double.IsFinite(v))) return $"{wdName} must all be >= 0 and finite, were {Lists.Format(weightDecays)}";
        if (learningRates.Distinct().Count() != learningRates.Length) return $"{lrName} repeats a value: {Lists.Format(learningRates)}";
        if (weightDecays.Distinct().Count() != weightDecays.Length) return $"{wdName} repeats a value: {Lists.Format(weightDecays)}";
        long trials = (long)learningRates.Length * weightDecays.Length;
        if (trials > MaxTrials)
        {
            return $"{lrName} × {wdName} is {learningRates.Length.ToString(CultureInfo.InvariantCulture)} × " +
                $"{weightDecays.Length.ToString(CultureInfo.InvariantCulture)} = {trials.ToString(CultureInfo.InvariantCulture)} trials, more than {MaxTrials.ToString(CultureInfo.InvariantCulture)}";
        }
        return null;
    }

    /// <summary>Checks every field of a grid read from <paramref name="file"/>; the message names the file and the field.</summary>
    public void Check(string file)
    {
        string? problem = Problem(LearningRates, WeightDecays, "grid.learningRates", "grid.weightDecays");
        if (problem is not null) throw new LabException($"{file}: {problem}.");
        if (Optimizer is null || !Variant.Names.Contains(Optimizer))
            throw SweepReport.Fail(file, "grid.optimizer", $"is {SweepReport.Show(Optimizer)}, not one of {string.Join(", ", Variant.Names)}");
        if (DecayScaling is null) throw SweepReport.Fail(file, "grid.decayScaling", "is missing or null");
        if (Epochs < 1) throw SweepReport.Fail(file, "grid.epochs", $"is {Epochs}; it must be at least 1");
        if (BatchSize < 1) throw SweepReport.Fail(file, "grid.batchSize", $"is {BatchSize}; it must be at least 1");
        if (Hidden is null) throw SweepReport.Fail(file, "grid.hidden", "is missing or null");
        if (Hidden.Length == 0 || Hidden.Any(h => h < 1)) throw SweepReport.Fail(file, "grid.hidden", $"is [{string.Join(",", Hidden)}]; it needs one or more positive widths");
        if (TrainExamples < 1) throw SweepReport.Fail(file, "grid.trainExamples", $"is {TrainExamples}; it must be at least 1");
        if (TestExamples < 1) throw SweepReport.Fail(file, "grid.testExamples", $"is {TestExamples}; it must be at least 1");
        if (DataFingerprint is null) throw SweepReport.Fail(file, "grid.dataFingerprint", "is missing or null");
    }
}
