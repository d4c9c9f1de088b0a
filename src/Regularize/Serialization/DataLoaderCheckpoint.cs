using System.Text.Json;
using Regularize.Data;

namespace Regularize.Serialization;

/// <summary>
/// A data loader's place in a checkpoint: its <see cref="DataLoaderState"/> and the configuration that state only
/// makes sense for, which restoring checks (resuming with another batch size or dataset would silently change the
/// batches).
/// </summary>
/// <param name="State">The epoch, position and shuffling generator state.</param>
/// <param name="DatasetSize">The number of examples in the dataset.</param>
/// <param name="BatchSize">The number of examples per batch.</param>
/// <param name="Shuffle">Whether each epoch is shuffled.</param>
/// <param name="DropLast">Whether a final partial batch is skipped.</param>
public sealed record DataLoaderCheckpoint(DataLoaderState State, int DatasetSize, int BatchSize, bool Shuffle, bool DropLast)
{
    /// <summary>Captures a loader's state and configuration.</summary>
    /// <param name="loader">The loader.</param>
    public static DataLoaderCheckpoint Capture(DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return new(loader.GetState(), loader.Dataset.Count, loader.BatchSize, loader.Shuffle, loader.DropLast);
    }

    /// <summary>Writes the <c>loader</c> object of the metadata document.</summary>
    internal void Write(Utf8JsonWriter w)
    {
        var s = State ?? throw new ArgumentException("The data loader state is null.", nameof(CheckpointData.Loader));
        if (s.RngState is not { Length: 4 }) throw new ArgumentException("The data loader's generator state must be four words.", nameof(CheckpointData.Loader));
        w.WriteStartObject("loader");
        w.WriteNumber("epoch", s.Epoch);
        w.WriteNumber("position", s.Position);
        CheckpointJson.WriteWords(w, "rngState", s.RngState);
        w.WriteNumber("datasetSize", DatasetSize);
        w.WriteNumber("batchSize", BatchSize);
        w.WriteBoolean("shuffle", Shuffle);
        w.WriteBoolean("dropLast", DropLast);
        w.WriteEndObject();
    }

    /// <summary>Reads the <c>loader</c> object of the metadata document.</summary>
    internal static DataLoaderCheckpoint Parse(CheckpointJson j, JsonElement e)
    {
        var l = j.Object(e, "loader", "epoch", "position", "rngState", "datasetSize", "batchSize", "shuffle", "dropLast");
        int datasetSize = (int)j.Integer(l["datasetSize"], "loader.datasetSize", 1, int.MaxValue);
        int position = (int)j.Integer(l["position"], "loader.position", 0, int.MaxValue);
        if (position > datasetSize) throw j.Fail("loader.position", $"is {position}, beyond the dataset's {datasetSize} examples");
        ulong[] words = j.Words(l["rngState"], "loader.rngState", 4);
        if ((words[0] | words[1] | words[2] | words[3]) == 0) throw j.Fail("loader.rngState", "is all zero, which is not a generator state");
        return new DataLoaderCheckpoint(
            new DataLoaderState((int)j.Integer(l["epoch"], "loader.epoch", 0, CheckpointData.MaxEpoch), position, words),
            datasetSize,
            (int)j.Integer(l["batchSize"], "loader.batchSize", 1, int.MaxValue),
            j.Boolean(l["shuffle"], "loader.shuffle"),
            j.Boolean(l["dropLast"], "loader.dropLast"));
    }

    /// <summary>Adds a sentence to <paramref name="problems"/> when <paramref name="saved"/> does not fit <paramref name="loader"/>.</summary>
    internal static void Plan(DataLoaderCheckpoint? saved, DataLoader? loader, List<string> problems, List<string> notRestored)
    {
        if (loader is null)
        {
            if (saved is not null) notRestored.Add("data loader position (no loader given)");
            return;
        }
        if (saved is null)
        {
            problems.Add("a data loader was given but the file holds no data loader state");
            return;
        }
        var ours = Capture(loader);
        if (ours.DatasetSize != saved.DatasetSize || ours.BatchSize != saved.BatchSize || ours.Shuffle != saved.Shuffle || ours.DropLast != saved.DropLast)
        {
            problems.Add($"the data loader has {ours.Describe()} but the file's had {saved.Describe()}");
        }
        var s = saved.State;
        if (s is null || s.Epoch < 0 || s.Epoch > CheckpointData.MaxEpoch || s.Position < 0 || s.Position > ours.DatasetSize
            || s.RngState is not { Length: 4 } w || (w[0] | w[1] | w[2] | w[3]) == 0)
        {
            problems.Add("the file's data loader state is out of range (epoch, position or generator words)");
        }
    }

    private string Describe() => $"{DatasetSize} examples, batch size {BatchSize}, shuffle {Shuffle}, dropLast {DropLast}";
}
