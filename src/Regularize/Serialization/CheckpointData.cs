using System.Buffers;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Schedules;
using Regularize.Tensors;

namespace Regularize.Serialization;

/// <summary>
/// The content of a training checkpoint as plain data: model tensors, optimizer state, scheduler states, the data
/// loader's position, the generators of Dropout-like modules (<see cref="IStochasticModule"/>), the trainer callbacks' states
/// and the progress. <see cref="Read(string, long)"/> and
/// <see cref="Write(string)"/> convert it from and to a file; <see cref="Capture"/> and <see cref="Restore"/> from and
/// to live training objects. <see cref="TrainingCheckpoint"/> combines the two for the usual case; this class is for
/// tools that inspect or edit a checkpoint.
/// </summary>
/// <remarks>
/// <para>The file is a safetensors file (see <c>docs/checkpoints.md</c>): the model's parameters and buffers are
/// tensors named <c>model.&lt;name&gt;</c>, the optimizer's per-parameter tensors are named
/// <c>optimizer.state.&lt;parameter&gt;.&lt;key&gt;</c>, and everything else is one JSON document (with a format
/// version) in the metadata entry <c>regularize.checkpoint</c>.</para>
/// <para>Reading validates the whole file before returning: the safetensors layout (see <see cref="SafeTensors"/>),
/// then the metadata document (bounded size and nesting, every field present once with its type, no unknown field,
/// a known format version: <see cref="OldestReadableVersion"/> to <see cref="FormatVersion"/>), then that every tensor is accounted for. Any problem raises an
/// <see cref="InvalidDataException"/> naming the file and the field or tensor.</para>
/// </remarks>
public sealed partial class CheckpointData
{
    /// <summary>
    /// The format version this library writes: 2, which added the trainer callbacks' states (<c>callbacks</c>). It also
    /// reads version 1 (no callbacks); see <see cref="OldestReadableVersion"/>.
    /// </summary>
    public const int FormatVersion = 2;

    /// <summary>The oldest format version this library reads.</summary>
    public const int OldestReadableVersion = 1;

    /// <summary>The metadata key that holds the checkpoint's JSON document.</summary>
    public const string MetadataKey = "regularize.checkpoint";

    /// <summary>The prefix of the model's tensors: <c>model.0.weight</c>.</summary>
    public const string ModelPrefix = "model.";

    /// <summary>The prefix of the optimizer's per-parameter tensors: <c>optimizer.state.0.weight.m</c>.</summary>
    public const string OptimizerStatePrefix = "optimizer.state.";

    /// <summary>The default bound on the metadata document, in UTF-16 characters (16 Mi).</summary>
    public const int DefaultMaxMetadataChars = 16 << 20;

    /// <summary>The deepest nesting the metadata document may have; the format needs 5.</summary>
    public const int MaxMetadataDepth = 8;

    /// <summary>
    /// The largest step count a checkpoint holds (<c>progress.step</c>, scheduler steps, plateau and optimizer steps):
    /// 2^53, the last count a <see cref="double"/> (which schedules evaluate) holds exactly. Far beyond any real run, it
    /// leaves room for 2^63 − 2^53 further steps, so a counter read from a file cannot overflow while training goes on.
    /// </summary>
    public const long MaxStep = 1L << 53;

    /// <summary>
    /// The largest epoch a checkpoint holds (<c>progress.epoch</c>, <c>loader.epoch</c>): 2^30, which leaves room for
    /// 2^30 − 1 further epochs before the 32-bit epoch counters of the trainer and the data loader overflow.
    /// </summary>
    public const int MaxEpoch = 1 << 30;

    private const string FormatName = "regularize.checkpoint";

    /// <summary>The epoch and step when the checkpoint was taken.</summary>
    public TrainingProgress Progress { get; set; }

    /// <summary>The model's parameters and buffers by name (without the <c>model.</c> prefix).</summary>
    public Dictionary<string, Tensor> Model { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The state of each <see cref="Scheduler"/>, in the order they were given.</summary>
    public List<SchedulerState> Schedulers { get; set; } = [];

    /// <summary>The state of each <see cref="ReduceOnPlateau"/>, in the order they were given.</summary>
    public List<ReduceOnPlateauState> Plateaus { get; set; } = [];

    /// <summary>The data loader's position and configuration, or null when none was saved.</summary>
    public DataLoaderCheckpoint? Loader { get; set; }

    /// <summary>
    /// The generator state (<see cref="IStochasticModule.GetRngState"/>, six words) of each module that draws from its own
    /// generator (<see cref="Dropout"/>, <see cref="Dropout2d"/>, <see cref="AlphaDropout"/>, any
    /// <see cref="IStochasticModule"/>), by module path. The file keeps them under the JSON key <c>dropout</c>.
    /// </summary>
    public Dictionary<string, ulong[]> ModuleRngStates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The application's own entries (a configuration, a metrics history): strings stored as further safetensors
    /// metadata entries beside <see cref="MetadataKey"/>, which they may not use. The library stores and returns them
    /// unread; <see cref="Restore"/> passes them on in <see cref="CheckpointInfo.Metadata"/>, and
    /// <see cref="Differences"/> does not compare them.
    /// </summary>
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    // ------------------------------------------------------------------ capture and restore

    /// <summary>
    /// Captures the state of live training objects (copies: later training does not change it). With an
    /// <see cref="IEvaluationWeights"/> optimizer the model's parameters are captured as its training weights, whichever
    /// weights are in place, so the checkpoint resumes the exact training point (buffers are captured as they are).
    /// </summary>
    /// <param name="progress">The epoch and step to record.</param>
    /// <param name="model">The model: its parameters, buffers and module generators (<see cref="IStochasticModule"/>) are saved.</param>
    /// <param name="optimizer">The optimizer, if any: its groups' hyperparameters and per-parameter state are saved.</param>
    /// <param name="schedulers">The schedulers, if any; restored in the same order.</param>
    /// <param name="loader">The data loader, if any.</param>
    /// <param name="plateaus">The plateau schedulers, if any; restored in the same order.</param>
    /// <param name="metadata">The application's own entries to store (see <see cref="Metadata"/>), if any.</param>
    /// <exception cref="ArgumentOutOfRangeException">The progress has a negative epoch or step.</exception>
    /// <exception cref="ArgumentException">A metadata entry uses the key <see cref="MetadataKey"/> or has a null value.</exception>
    public static CheckpointData Capture(TrainingProgress progress, Module model, Optimizer? optimizer = null,
        IEnumerable<Scheduler>? schedulers = null, DataLoader? loader = null, IEnumerable<ReduceOnPlateau>? plateaus = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckProgress(progress);
        var data = new CheckpointData
        {
            Progress = progress,
            Model = CaptureModel(model, optimizer),
            Optimizer = optimizer?.ExportState(),
            Schedulers = schedulers?.Select(s => s.ExportState()).ToList() ?? [],
            Plateaus = plateaus?.Select(p => p.ExportState()).ToList() ?? [],
            Loader = loader is null ? null : DataLoaderCheckpoint.Capture(loader),
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            CheckMetadataEntry(key, value, nameof(metadata));
            data.Metadata.Add(key, value);
        }
        foreach (var (path, module) in StochasticModules(model)) data.ModuleRngStates[path] = module.GetRngState();
        return data;
    }

    /// <summary>
    /// The model's tensors, with the training weights of an <see cref="IEvaluationWeights"/> optimizer in place of the
    /// evaluation weights when those are in the model: a checkpoint is the training point.
    /// </summary>
    private static Dictionary<string, Tensor> CaptureModel(Module model, Optimizer? optimizer)
    {
        var tensors = ModelWeights.Capture(model);
        if (optimizer is IEvaluationWeights { UsesEvaluationWeights: true } weights)
        {
            var held = optimizer.ParameterGroups.SelectMany(g => g.Parameters).ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (var (name, p) in model.NamedParameters())
            {
                if (held.Contains(p)) weights.TrainingWeights(p).CopyTo(tensors[name].Span);
            }
        }
        return tensors;
    }

    /// <summary>
    /// Restores this state into live training objects, matching the model's tensors by name and shape. Everything
    /// is checked first; when anything does not fit, nothing is changed.
    /// </summary>
    /// <param name="model">The model; its parameters and buffers are overwritten in place and its module generators restored.</param>
    /// <param name="optimizer">The optimizer to restore (same type and groups as the saved one), or null to leave it.</param>
    /// <param name="schedulers">The schedulers to restore, in the order they were saved, or null to leave them.</param>
    /// <param name="loader">The data loader to restore, or null to leave it.</param>
    /// <param name="plateaus">The plateau schedulers to restore, in the order they were saved, or null to leave them.</param>
    /// <param name="strict">True to require that the model and the checkpoint hold the same tensors and modules with generators;
    /// false to restore what they share and report the rest.</param>
    /// <param name="source">What the data came from (usually the file name), for messages.</param>
    /// <returns>The progress, the weights' load report and the parts not restored.</returns>
    /// <exception cref="CheckpointMismatchException">The checkpoint does not fit the objects; the message lists every
    /// problem (for a tensor: its name and both shapes). Nothing was changed.</exception>
    public CheckpointInfo Restore(Module model, Optimizer? optimizer = null, IEnumerable<Scheduler>? schedulers = null, DataLoader? loader = null,
        IEnumerable<ReduceOnPlateau>? plateaus = null, bool strict = true, string source = "checkpoint") =>
        RestoreWith(model, optimizer, schedulers, loader, plateaus, strict, source, null);

    /// <summary>
    /// A further part of a restore that the caller plans (the trainer's callbacks): problems found while planning it,
    /// and how to apply it and undo it. It is applied right after the optimizer, once everything was checked; if applying throws an
    /// <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>, the parts already applied and the optimizer are put back.
    /// </summary>
    internal sealed record ExtraParts(List<string> Problems, List<(string What, Action Apply, Action Undo)> Parts);

    internal CheckpointInfo RestoreWith(Module model, Optimizer? optimizer, IEnumerable<Scheduler>? schedulers, DataLoader? loader,
        IEnumerable<ReduceOnPlateau>? plateaus, bool strict, string source, ExtraParts? extra)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var problems = new List<string>(extra?.Problems ?? []);
        var notRestored = new List<string>();
        if (extra is null && Callbacks is { Count: > 0 } saved)
        {
            notRestored.Add($"the state of {saved.Count} trainer callback(s) ({string.Join(", ", saved.Keys.Order(StringComparer.Ordinal))}; restored by Trainer.LoadCheckpoint)");
        }

        var weights = ModelWeights.Plan(model, Model ?? [], strict, problems);
        var generators = PlanGenerators(model, strict, problems, notRestored);
        Scheduler[] schedulerArray = schedulers?.ToArray() ?? [];
        List<SchedulerState> savedSchedulers = Schedulers ?? [];
        ScheduleCheckpoint.PlanSchedulers(schedulerArray, savedSchedulers, problems, notRestored);
        ReduceOnPlateau[] plateauArray = plateaus?.ToArray() ?? [];
        List<ReduceOnPlateauState> savedPlateaus = Plateaus ?? [];
        ScheduleCheckpoint.PlanPlateaus(plateauArray, savedPlateaus, problems, notRestored);
        DataLoaderCheckpoint.Plan(Loader, loader, problems, notRestored);
        if (optimizer is null && Optimizer is not null) notRestored.Add("optimizer state (no optimizer given)");
        if (optimizer is not null && Optimizer is null) problems.Add("an optimizer was given but the file holds no optimizer state");
        if (problems.Count > 0) throw new CheckpointMismatchException(source, problems);

        // The optimizer checks the whole state before changing anything, so it goes first.
        OptimizerState? optimizerBackup = optimizer?.ExportState();
        if (optimizer is not null)
        {
            try
            {
                optimizer.ImportState(Optimizer!);
            }
            catch (ArgumentException e)
            {
                throw new CheckpointMismatchException(source, [$"the optimizer state does not fit: {e.Message}"], e);
            }
        }
        // The extra parts check themselves before changing anything, as the optimizer does; they follow it so that they
        // see its restored groups (a plateau schedule records the groups' values).
        var extraParts = extra?.Parts ?? [];
        int applied = 0;
        try
        {
            for (; applied < extraParts.Count; applied++) extraParts[applied].Apply();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            UndoExtras(extraParts, applied);
            if (optimizer is not null) optimizer.ImportState(optimizerBackup!);
            throw new CheckpointMismatchException(source, [$"{extraParts[applied].What}: {e.Message}"], e);
        }
        var schedulerBackups = new List<(Scheduler Scheduler, SchedulerState State)>();
        try
        {
            for (int i = 0; i < schedulerArray.Length; i++)
            {
                schedulerBackups.Add((schedulerArray[i], schedulerArray[i].ExportState()));
                schedulerArray[i].ImportState(savedSchedulers[i]);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A group rejected a scheduled value: put back what was changed.
            for (int i = schedulerBackups.Count - 1; i >= 0; i--) schedulerBackups[i].Scheduler.ImportState(schedulerBackups[i].State);
            if (optimizer is not null) optimizer.ImportState(optimizerBackup!);
            UndoExtras(extraParts, applied);
            throw new CheckpointMismatchException(source, [e.Message], e);
        }
        for (int i = 0; i < plateauArray.Length; i++) plateauArray[i].ImportState(savedPlateaus[i]);
        weights.Apply();
        foreach (var (module, state) in generators) module.SetRngState(state);
        if (loader is not null) loader.SetState(Loader!.State);
        return new CheckpointInfo(Progress, weights.Report, notRestored,
            new Dictionary<string, string>(Metadata ?? [], StringComparer.Ordinal));
    }

    private static void UndoExtras(List<(string What, Action Apply, Action Undo)> parts, int applied)
    {
        for (int i = applied - 1; i >= 0; i--) parts[i].Undo();
    }

    private static void CheckMetadataEntry(string key, string? value, string argument)
    {
        if (key == MetadataKey) throw new ArgumentException($"The metadata key '{MetadataKey}' is the checkpoint's own; choose another.", argument);
        if (value is null) throw new ArgumentException($"Metadata entry '{key}' is null.", argument);
    }

    private static IEnumerable<(string Path, IStochasticModule Module)> StochasticModules(Module model) =>
        model.NamedModules().Where(m => m.Module is IStochasticModule).Select(m => (m.Name, (IStochasticModule)m.Module));

    /// <summary>How messages name a module with a generator: its type and path, <c>Dropout2d 'features.3'</c>.</summary>
    private static string Describe(IStochasticModule module, string path) => $"{module.GetType().Name} {CheckpointJson.Quote(path)}";

    private List<(IStochasticModule, ulong[])> PlanGenerators(Module model, bool strict, List<string> problems, List<string> notRestored)
    {
        var plan = new List<(IStochasticModule, ulong[])>();
        var states = ModuleRngStates ?? [];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, module) in StochasticModules(model))
        {
            string what = Describe(module, path);
            if (!states.TryGetValue(path, out var words))
            {
                if (strict) problems.Add($"the model's {what} has no generator state in the file");
                else notRestored.Add($"generator of {what} (not in the file)");
                continue;
            }
            used.Add(path);
            if (!IsRngState(words)) problems.Add($"the generator state of {what} is not six words with a valid state");
            else plan.Add((module, words));
        }
        foreach (string path in states.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal))
        {
            if (strict) problems.Add($"the file has a generator state for module {CheckpointJson.Quote(path)}, which is not a module with a generator in the model");
            else notRestored.Add($"generator of module {CheckpointJson.Quote(path)} (not in the model)");
        }
        return plan;
    }

    private static bool IsRngState(ulong[]? w) => w is { Length: 6 } && (w[0] | w[1] | w[2] | w[3]) != 0 && w[4] <= 1;

    private static void CheckProgress(TrainingProgress progress)
    {
        if (progress.Epoch < 0 || progress.Epoch > MaxEpoch || progress.Step < 0 || progress.Step > MaxStep)
        {
            throw new ArgumentOutOfRangeException(nameof(progress), progress,
                $"progress must have an epoch in [0, {MaxEpoch}] and a step in [0, {MaxStep}], was {progress}.");
        }
    }
}
