using System.Globalization;
using System.Text.Json;
using Regularize.Data;
using Regularize.Lab.Cli;
using Regularize.Lab.Output;
using Regularize.Serialization;
using Regularize.Training;

namespace Regularize.Lab.Experiments;

/// <summary>
/// A trial's checkpoint file: the training checkpoint after the trial's last finished epoch (model, optimizer,
/// schedule, data order, counters) with a <see cref="TrialRecord"/> in its metadata, so that <c>--resume</c> continues
/// the trial bit for bit and still writes its whole history.
/// </summary>
/// <remarks>
/// The file is rewritten atomically after every epoch, so an interrupted run (Ctrl+C, a crash, a killed job) leaves
/// the checkpoint of its last finished epoch. A checkpoint resumes only a run of the same settings: the schedule
/// spans all epochs, so even <c>--epochs</c> must match.
/// </remarks>
internal sealed class TrialCheckpoint
{
    /// <summary>The safetensors metadata key of the <see cref="TrialRecord"/>.</summary>
    public const string MetadataKey = "regularize.lab";

    private static readonly JsonSerializerOptions Strict = new(ResultFiles.Json)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    /// <summary>A trial's checkpoint at <paramref name="path"/>; <paramref name="trial"/> says what the trial is (its epochs are ignored).</summary>
    public TrialCheckpoint(string path, TrialRecord trial)
    {
        Path = path;
        Trial = trial with { Epochs = [], InitialDecayedWeightNorm = double.NaN };
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>The trial this checkpoint belongs to.</summary>
    public TrialRecord Trial { get; }

    /// <summary>The saved state to resume from, set by <see cref="Load"/>; null to start from the beginning.</summary>
    public SavedTrial? Resume { get; private set; }

    /// <summary>The file of <paramref name="variant"/>'s checkpoint in the output folder.</summary>
    public static string PathFor(string output, string variant) => System.IO.Path.Combine(output, "checkpoints", variant + ".ckpt");

    /// <summary>
    /// Reads the checkpoint, if the file exists, into <see cref="Resume"/>; returns whether it did.
    /// </summary>
    /// <exception cref="LabException">The file is damaged, is not a lab checkpoint, or was written by a run with other
    /// settings (the message names each option that differs).</exception>
    public bool Load()
    {
        if (!File.Exists(Path)) return false;
        CheckpointData data;
        try
        {
            data = CheckpointData.Read(Path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw Unusable(LabApp.Describe(e));
        }
        if (!data.Metadata.TryGetValue(MetadataKey, out string? json))
        {
            throw Unusable($"it has no '{MetadataKey}' entry, so it was not written by the lab");
        }
        TrialRecord? saved;
        try
        {
            saved = JsonSerializer.Deserialize<TrialRecord>(json, Strict);
        }
        catch (JsonException e)
        {
            throw Unusable($"its '{MetadataKey}' entry is not a valid trial record: {e.Message}");
        }
        if (saved is null) throw Unusable($"its '{MetadataKey}' entry is null");

        var differences = Differences(saved, Trial);
        if (differences.Count > 0)
        {
            throw new LabException($"{Path} was written by a run with {string.Join(", ", differences.Select(d => d.Saved))}; " +
                $"this run has {string.Join(", ", differences.Select(d => d.Now))}. Resume with the same options, " +
                "or leave out --resume to start again (or choose another --output).");
        }
        Resume = new SavedTrial(data, saved.InitialDecayedWeightNorm, History(saved, data.Progress));
        return true;
    }

    /// <summary>Writes the checkpoint of <paramref name="trainer"/> and <paramref name="loader"/> with the epochs so far, atomically.</summary>
    public void Save(Trainer trainer, DataLoader loader, double initialDecayedWeightNorm, IReadOnlyList<EpochMetrics> history)
    {
        var record = Trial with { InitialDecayedWeightNorm = initialDecayedWeightNorm, Epochs = history.Select(ResultFiles.Row).ToList() };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        trainer.SaveCheckpoint(Path, loader, new Dictionary<string, string> { [MetadataKey] = JsonSerializer.Serialize(record, ResultFiles.Json) });
    }

    private LabException Unusable(string why) =>
        new($"cannot resume from {Path}: {why.TrimEnd('.')}. Delete it, or leave out --resume to start again.");

    /// <summary>The settings in which two records differ, each as the saved run and this run spell it.</summary>
    private static List<(string Saved, string Now)> Differences(TrialRecord saved, TrialRecord now)
    {
        var list = new List<(string, string)>();
        void Check<T>(string option, T a, T b, Func<T, string>? show = null)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) list.Add(($"{option} {(show ?? Show)(a)}", $"{option} {(show ?? Show)(b)}"));
        }
        Check("command", saved.Command, now.Command);
        Check("variant", saved.Variant, now.Variant);
        Check("--data", saved.Settings.Data, now.Settings.Data);
        Check("training examples", saved.Settings.TrainExamples, now.Settings.TrainExamples);
        Check("test examples", saved.Settings.TestExamples, now.Settings.TestExamples);
        Check("--epochs", saved.Settings.Epochs, now.Settings.Epochs);
        Check("--batch-size", saved.Settings.BatchSize, now.Settings.BatchSize);
        Check("--model", saved.Settings.Model ?? "mlp", now.Settings.Model ?? "mlp");
        Check("--augment", saved.Settings.Augment, now.Settings.Augment);
        Check("--hidden", string.Join(",", saved.Settings.Hidden ?? []), string.Join(",", now.Settings.Hidden ?? []));
        Check("--drop-path", saved.Settings.DropPath ?? 0, now.Settings.DropPath ?? 0);
        Check("--seed", saved.Settings.Seed, now.Settings.Seed);
        Check("--lr", saved.LearningRate, now.LearningRate);
        Check("--weight-decay", saved.WeightDecay, now.WeightDecay);
        Check("--decay-scaling", saved.DecayScaling, now.DecayScaling);
        return list;
    }

    private static string Show<T>(T value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };

    /// <summary>The saved epochs as metrics, checked against the checkpoint's counters.</summary>
    private List<EpochMetrics> History(TrialRecord saved, TrainingProgress progress)
    {
        var rows = saved.Epochs;
        if (rows.Count != progress.Epoch)
        {
            throw Unusable($"it records {rows.Count} epochs of metrics but its training state is at epoch {progress.Epoch}");
        }
        var history = new List<EpochMetrics>(rows.Count);
        var total = TimeSpan.Zero;
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row is null || row.Epoch != i + 1) throw Unusable($"its epoch record {i} is not epoch {i + 1}");
            if (row.Diverged && i != rows.Count - 1) throw Unusable($"epoch {row.Epoch} diverged but later epochs follow");
            var elapsed = TimeSpan.FromSeconds(double.IsFinite(row.Seconds) && row.Seconds >= 0 ? row.Seconds : 0);
            total += elapsed;
            history.Add(ResultFiles.Metrics(row, elapsed, total));
        }
        if (rows.Count > 0 && rows[^1].Steps != progress.Step)
        {
            throw Unusable($"its last epoch ends at step {rows[^1].Steps} but its training state is at step {progress.Step}");
        }
        return history;
    }
}
