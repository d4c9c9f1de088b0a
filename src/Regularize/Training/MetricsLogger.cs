using System.Globalization;
using System.Text;

namespace Regularize.Training;

/// <summary>
/// Writes each epoch's <see cref="EpochMetrics"/> as it ends, as CSV (a header line, then one row per epoch) or as JSON
/// lines (one object per epoch), flushed after every epoch so a crashed run keeps its log.
/// </summary>
/// <remarks>Numbers use the invariant culture and the shortest form that reads back to the same double; NaN is written
/// as <c>NaN</c> in CSV and <c>null</c> in JSON. The columns are epoch, steps, train_loss, train_accuracy, test_loss,
/// test_accuracy, weight_norm, decayed_weight_norm, learning_rate, weight_decay, seconds, diverged.</remarks>
public sealed class MetricsLogger : TrainerCallback, IDisposable
{
    private static readonly string[] s_columns =
        ["epoch", "steps", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "weight_norm", "decayed_weight_norm",
         "learning_rate", "weight_decay", "seconds", "diverged"];

    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private bool _headerWritten;

    /// <summary>Logs to <paramref name="writer"/>, which the caller disposes.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="jsonLines">True for JSON lines, false for CSV.</param>
    public MetricsLogger(TextWriter writer, bool jsonLines = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        JsonLines = jsonLines;
    }

    private MetricsLogger(string path, bool jsonLines, bool append)
        : this(new StreamWriter(path, append, new UTF8Encoding(false)), jsonLines)
    {
        _ownsWriter = true;
        _headerWritten = append && new FileInfo(path).Length > 0;
    }

    /// <summary>Logs CSV to the file <paramref name="path"/> (created, or appended to without a second header).</summary>
    /// <param name="path">The file.</param>
    /// <param name="append">True to add to an existing file (a resumed run).</param>
    public static MetricsLogger Csv(string path, bool append = false) => new(path, jsonLines: false, append);

    /// <summary>Logs JSON lines to the file <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="append">True to add to an existing file (a resumed run).</param>
    public static MetricsLogger JsonLinesFile(string path, bool append = false) => new(path, jsonLines: true, append);

    /// <summary>True for JSON lines, false for CSV.</summary>
    public bool JsonLines { get; }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochMetrics metrics)
    {
        object[] values =
        [
            metrics.Epoch, metrics.Steps, metrics.TrainLoss, metrics.TrainAccuracy, metrics.TestLoss, metrics.TestAccuracy,
            metrics.WeightNorm, metrics.DecayedWeightNorm, metrics.LearningRate, metrics.WeightDecay, metrics.Elapsed.TotalSeconds,
            metrics.Diverged,
        ];
        var line = new StringBuilder();
        if (JsonLines)
        {
            line.Append('{');
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0) line.Append(',');
                line.Append('"').Append(s_columns[i]).Append("\":").Append(Format(values[i], json: true));
            }
            line.Append('}');
        }
        else
        {
            if (!_headerWritten)
            {
                _writer.WriteLine(string.Join(",", s_columns));
                _headerWritten = true;
            }
            line.AppendJoin(",", values.Select(v => Format(v, json: false)));
        }
        _writer.WriteLine(line.ToString());
        _writer.Flush();
    }

    /// <summary>Closes the file of <see cref="Csv"/> or <see cref="JsonLinesFile"/>; a writer given by the caller is left open.</summary>
    public void Dispose()
    {
        if (_ownsWriter) _writer.Dispose();
    }

    private static string Format(object value, bool json) => value switch
    {
        double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
        double d => json ? "null" : d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
