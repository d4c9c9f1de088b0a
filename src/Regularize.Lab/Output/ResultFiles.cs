using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Regularize.Lab.Experiments;
using Regularize.Serialization;
using Regularize.Training;

namespace Regularize.Lab.Output;

/// <summary>CSV and JSON helpers. Numbers are written with the invariant culture and round-trip precision.</summary>
internal static class ResultFiles
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static RunSettings Settings(TrainingConfig config, int trainCount, int testCount) =>
        new(Path.GetFullPath(config.DataFolder), trainCount, testCount, config.Epochs, config.BatchSize, config.Widths, config.Seed, config.Model, config.Augment,
            config.Model == "resnet" ? config.DropPath : null);

    public static EpochRow Row(EpochMetrics m) => new(m.Epoch, m.Steps, m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy,
        m.WeightNorm, m.DecayedWeightNorm, m.LearningRate, m.WeightDecay, m.Diverged, Math.Round(m.Elapsed.TotalSeconds, 3));

    /// <summary>The metrics of a row read back, with the times given (a row keeps only the epoch's seconds).</summary>
    public static EpochMetrics Metrics(EpochRow r, TimeSpan elapsed, TimeSpan totalElapsed) => new(r.Epoch, r.Steps, r.TrainLoss, r.TrainAccuracy,
        r.TestLoss, r.TestAccuracy, r.WeightNorm, r.DecayedWeightNorm, r.LearningRate, r.WeightDecay, elapsed, totalElapsed, r.Diverged);

    public static string EpochCsvHeader(string key) =>
        $"{key},epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy,weight_norm,decayed_weight_norm,learning_rate,weight_decay,diverged,seconds";

    public static string EpochCsvRow(string key, EpochMetrics m) => string.Join(",",
        key, I(m.Epoch), I(m.Steps), D(m.TrainLoss), D(m.TrainAccuracy), D(m.TestLoss), D(m.TestAccuracy), D(m.WeightNorm),
        D(m.DecayedWeightNorm), D(m.LearningRate), D(m.WeightDecay), m.Diverged ? "true" : "false",
        m.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture));

    /// <summary>Writes <paramref name="value"/> as indented JSON, atomically (see <see cref="WriteText"/>).</summary>
    public static void WriteJson<T>(string path, T value) => WriteText(path, JsonSerializer.Serialize(value, Json) + "\n");

    /// <summary>Writes UTF-8 text (no byte-order mark) atomically: an interrupted write leaves the previous file whole.</summary>
    public static void WriteText(string path, string text) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The error rate of an accuracy measured on <paramref name="examples"/> examples, as wrong/examples: 1 − accuracy in
    /// floating point gives 0.19999999999999996 where the error is 0.2 (12 wrong of 60).
    /// </summary>
    public static double ErrorRate(double accuracy, int examples)
    {
        double correct = Math.Round(accuracy * examples);
        return (examples - correct) / examples;
    }

    public static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
