using System.Buffers;
using System.Text;
using System.Text.Json;
using Regularize.Data;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;

namespace Regularize.Serialization;

public sealed partial class CheckpointData
{
    // ------------------------------------------------------------------ writing

    /// <summary>Writes the checkpoint to a file, atomically: if writing fails, the previous file is left intact.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException">The data is incomplete or inconsistent (a null entry, a negative progress, a bad generator state).</exception>
    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (tensors, metadata) = ToSafeTensors();
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>Writes the checkpoint as safetensors to a stream, from its current position.</summary>
    /// <param name="stream">The destination; it is not closed.</param>
    /// <exception cref="ArgumentException">The data is incomplete or inconsistent.</exception>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (tensors, metadata) = ToSafeTensors();
        SafeTensors.Write(stream, tensors, metadata);
    }

    private (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) ToSafeTensors()
    {
        CheckProgress(Progress);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in Model ?? [])
        {
            if (tensor is null) throw new ArgumentException($"Model tensor '{name}' is null.", nameof(Model));
            tensors.Add(ModelPrefix + name, tensor);
        }
        AddOptimizerTensors(tensors);
        AddCallbackTensors(tensors);

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", FormatVersion);
            w.WriteStartObject("progress");
            w.WriteNumber("epoch", Progress.Epoch);
            w.WriteNumber("step", Progress.Step);
            w.WriteEndObject();
            WriteOptimizer(w);
            ScheduleCheckpoint.Write(w, Schedulers, Plateaus);
            if (Loader is null) w.WriteNull("loader"); else Loader.Write(w);
            w.WriteStartObject("dropout");
            foreach (var (path, words) in (ModuleRngStates ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!IsRngState(words)) throw new ArgumentException($"The generator state of module '{path}' is not a six-word Rng state.", nameof(ModuleRngStates));
                CheckpointJson.WriteWords(w, path, words);
            }
            w.WriteEndObject();
            WriteCallbacks(w);
            w.WriteEndObject();
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Metadata ?? [])
        {
            CheckMetadataEntry(key, value, nameof(Metadata));
            metadata.Add(key, value);
        }
        metadata.Add(MetadataKey, Encoding.UTF8.GetString(buffer.WrittenSpan));
        return (tensors, metadata);
    }

    private static double Finite(double v, string what) =>
        double.IsFinite(v) ? v : throw new ArgumentException($"A {what} is {v}; checkpoints store finite values only.");

    // ------------------------------------------------------------------ reading

    /// <summary>Reads and validates a checkpoint file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxHeaderBytes">The largest safetensors header accepted (the metadata document is part of it).</param>
    /// <exception cref="InvalidDataException">The file is not a valid Regularize checkpoint of a supported format version;
    /// the message names the file and the field or tensor at fault.</exception>
    public static CheckpointData Read(string path, long maxHeaderBytes = SafeTensors.DefaultMaxHeaderBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, maxHeaderBytes);
    }

    /// <summary>Reads and validates a checkpoint from the current position to the end of a stream.</summary>
    /// <param name="stream">The stream; it is not closed.</param>
    /// <param name="name">The name used in error messages, usually the file name.</param>
    /// <param name="maxHeaderBytes">The largest safetensors header accepted (the metadata document is part of it).</param>
    /// <exception cref="InvalidDataException">The data is not a valid Regularize checkpoint of a supported format version.</exception>
    public static CheckpointData Read(Stream stream, string name = "checkpoint stream", long maxHeaderBytes = SafeTensors.DefaultMaxHeaderBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        SafeTensorsFile file = SafeTensors.Read(stream, name, maxHeaderBytes);
        if (!file.Metadata.TryGetValue(MetadataKey, out string? json))
        {
            throw new InvalidDataException(
                $"{name}: the file holds no '{MetadataKey}' metadata, so it is not a Regularize training checkpoint (a plain weights file loads with ModelWeights.Load).");
        }
        var j = new CheckpointJson(name);
        if (json.Length > DefaultMaxMetadataChars)
        {
            throw j.Fail("", $"is {json.Length} characters long, more than the limit of {DefaultMaxMetadataChars}");
        }
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxMetadataDepth });
            var data = new CheckpointData();
            var (optimizerTensors, callbackTensors) = data.ParseDocument(doc.RootElement, j);
            data.TakeTensors(file, optimizerTensors, callbackTensors, name);
            foreach (var (key, value) in file.Metadata)
            {
                if (key != MetadataKey) data.Metadata.Add(key, value);
            }
            return data;
        }
        catch (JsonException e)
        {
            throw j.Fail("", $"is not valid JSON (nested at most {MaxMetadataDepth} deep): {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw j.Fail("", $"holds an unreadable string: {e.Message}");
        }
    }

    /// <summary>Fills everything but the tensors; returns the optimizer and callback tensors the file must hold, by full name.</summary>
    private (Dictionary<string, (string Parameter, string Key)> Optimizer, Dictionary<string, (string Key, string Name)> Callbacks) ParseDocument(JsonElement root, CheckpointJson j)
    {
        var top = j.Map(root, "");
        // The version first, so that a document of another version gets that message rather than a field error.
        if (!top.TryGetValue("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
        {
            throw j.Fail("format", $"is not \"{FormatName}\"");
        }
        if (!top.TryGetValue("version", out var versionElement)) throw j.Fail("", "lacks the field \"version\"");
        long version = j.Integer(versionElement, "version", 0);
        if (version < OldestReadableVersion || version > FormatVersion)
        {
            throw j.Fail("version", $"is {version}; this version of Regularize reads checkpoint format versions {OldestReadableVersion} to {FormatVersion} only");
        }
        // Version 1 is version 2 without the callbacks' states.
        string[] fields = ["format", "version", "progress", "optimizer", "schedulers", "plateaus", "loader", "dropout"];
        if (version >= 2) fields = [.. fields, "callbacks"];
        j.Object(root, "", fields);

        var progress = j.Object(top["progress"], "progress", "epoch", "step");
        Progress = new TrainingProgress(j.Integer(progress["epoch"], "progress.epoch", 0, MaxEpoch), j.Integer(progress["step"], "progress.step", 0, MaxStep));

        var expected = ParseOptimizer(top["optimizer"], j);

        Schedulers = ScheduleCheckpoint.ParseSchedulers(j, top["schedulers"]);
        Plateaus = ScheduleCheckpoint.ParsePlateaus(j, top["plateaus"]);
        Loader = j.IsNull(top["loader"]) ? null : DataLoaderCheckpoint.Parse(j, top["loader"]);

        foreach (var (path, value) in j.Map(top["dropout"], "dropout"))
        {
            string at = $"dropout.{CheckpointJson.Quote(path)}";
            ulong[] words = j.Words(value, at, 6);
            if (!IsRngState(words)) throw j.Fail(at, "is not a generator state (the first four words are all zero, or the flag word is not 0 or 1)");
            ModuleRngStates.Add(path, words);
        }
        var callbackTensors = version >= 2 ? ParseCallbacks(top["callbacks"], j) : [];
        return (expected, callbackTensors);
    }

    /// <summary>Sorts the file's tensors into the model and the optimizer state; every tensor must be accounted for.</summary>
    private void TakeTensors(SafeTensorsFile file, Dictionary<string, (string Parameter, string Key)> expectedOptimizer,
        Dictionary<string, (string Key, string Name)> expectedCallbacks, string name)
    {
        var optimizerTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in file.Entries)
        {
            if (expectedOptimizer.ContainsKey(entry.Name))
            {
                optimizerTensors.Add(entry.Name, entry.Tensor);
            }
            else if (expectedCallbacks.TryGetValue(entry.Name, out var owner))
            {
                Callbacks[owner.Key].Tensors.Add(owner.Name, entry.Tensor);
            }
            else if (entry.Name.StartsWith(ModelPrefix, StringComparison.Ordinal) && entry.Name.Length > ModelPrefix.Length)
            {
                Model.Add(entry.Name[ModelPrefix.Length..], entry.Tensor);
            }
            else
            {
                throw new InvalidDataException(
                    $"{name}: tensor {CheckpointJson.Quote(entry.Name)} is neither a model tensor ('{ModelPrefix}...') nor optimizer or callback state listed in the metadata.");
            }
        }
        foreach (var (tensorName, (parameter, key)) in expectedOptimizer)
        {
            if (!optimizerTensors.TryGetValue(tensorName, out var t))
            {
                throw new InvalidDataException($"{name}: the metadata lists optimizer state '{key}' of parameter {CheckpointJson.Quote(parameter)}, but the file has no tensor {CheckpointJson.Quote(tensorName)}.");
            }
            // Its shape is checked on restore against the optimizer's slot shape, which need not be the parameter's
            // (Schedule-Free AdamW's lrMax, NAdam's μ-product and Adafactor's factors are not).
        }
        foreach (var (tensorName, (key, tensor)) in expectedCallbacks)
        {
            if (!Callbacks[key].Tensors.ContainsKey(tensor))
            {
                throw new InvalidDataException($"{name}: the metadata lists tensor {CheckpointJson.Quote(tensor)} of callback {CheckpointJson.Quote(key)}, but the file has no tensor {CheckpointJson.Quote(tensorName)}.");
            }
        }
        TakeOptimizerTensors(optimizerTensors);
    }
}
