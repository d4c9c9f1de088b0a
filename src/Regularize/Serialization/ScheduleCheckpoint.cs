using System.Text.Json;
using Regularize.Optimizers;
using Regularize.Schedules;

namespace Regularize.Serialization;

/// <summary>
/// The schedulers' and plateau schedulers' part of a checkpoint: their JSON in the metadata document
/// (<c>schedulers</c>, <c>plateaus</c>), and the check that saved states fit the live ones before anything is restored.
/// </summary>
internal static class ScheduleCheckpoint
{
    public static void Write(Utf8JsonWriter w, List<SchedulerState>? schedulers, List<ReduceOnPlateauState>? plateaus)
    {
        w.WriteStartArray("schedulers");
        foreach (var s in schedulers ?? [])
        {
            ArgumentNullException.ThrowIfNull(s, nameof(CheckpointData.Schedulers));
            w.WriteStartObject();
            w.WriteNumber("step", s.Step);
            w.WriteString("hyperparameter", s.Hyperparameter.ToString());
            w.WriteString("mode", s.Mode.ToString());
            w.WriteStartArray("initialValues");
            foreach (double v in s.InitialValues)
            {
                if (!double.IsFinite(v)) throw new ArgumentException($"A scheduler initial value is {v}; checkpoints store finite values only.");
                w.WriteNumberValue(v);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("plateaus");
        foreach (var p in plateaus ?? [])
        {
            ArgumentNullException.ThrowIfNull(p, nameof(CheckpointData.Plateaus));
            w.WriteStartObject();
            w.WriteNumber("lastStep", p.LastStep);
            w.WritePropertyName("best");
            if (double.IsFinite(p.Best)) w.WriteNumberValue(p.Best);
            else if (double.IsInfinity(p.Best)) w.WriteStringValue(p.Best > 0 ? "Infinity" : "-Infinity");
            else throw new ArgumentException("A plateau scheduler's best metric is NaN.", nameof(CheckpointData.Plateaus));
            w.WriteNumber("numBadSteps", p.NumBadSteps);
            w.WriteNumber("cooldownCounter", p.CooldownCounter);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static List<SchedulerState> ParseSchedulers(CheckpointJson j, JsonElement e)
    {
        var result = new List<SchedulerState>();
        var schedulers = j.Array(e, "schedulers");
        for (int i = 0; i < schedulers.Count; i++)
        {
            string at = $"schedulers[{i}]";
            var s = j.Object(schedulers[i], at, "step", "hyperparameter", "mode", "initialValues");
            var values = j.Array(s["initialValues"], at + ".initialValues");
            result.Add(new SchedulerState(
                j.Integer(s["step"], at + ".step", 0, CheckpointData.MaxStep),
                values.Select((v, k) => j.Number(v, $"{at}.initialValues[{k}]")).ToArray(),
                ParseHyperparameter(j, s["hyperparameter"], at + ".hyperparameter"),
                j.Enum<ScheduleMode>(s["mode"], at + ".mode")));
        }
        return result;
    }

    private static Hyperparameter ParseHyperparameter(CheckpointJson j, JsonElement e, string path)
    {
        string name = j.String(e, path);
        return Hyperparameter.TryFind(name, out var h) ? h
            : throw j.Fail(path, $"is {CheckpointJson.Quote(name)}, not one of {string.Join(", ", Hyperparameter.WellKnown)} or another defined hyperparameter");
    }

    public static List<ReduceOnPlateauState> ParsePlateaus(CheckpointJson j, JsonElement e)
    {
        var result = new List<ReduceOnPlateauState>();
        var plateaus = j.Array(e, "plateaus");
        for (int i = 0; i < plateaus.Count; i++)
        {
            string at = $"plateaus[{i}]";
            var p = j.Object(plateaus[i], at, "lastStep", "best", "numBadSteps", "cooldownCounter");
            result.Add(new ReduceOnPlateauState(
                j.Integer(p["lastStep"], at + ".lastStep", 0, CheckpointData.MaxStep),
                j.Number(p["best"], at + ".best", allowInfinite: true),
                (int)j.Integer(p["numBadSteps"], at + ".numBadSteps", 0, int.MaxValue),
                (int)j.Integer(p["cooldownCounter"], at + ".cooldownCounter", 0, int.MaxValue)));
        }
        return result;
    }

    /// <summary>Adds a sentence per saved scheduler state that does not fit its live scheduler.</summary>
    public static void PlanSchedulers(Scheduler[] schedulers, List<SchedulerState> saved, List<string> problems, List<string> notRestored)
    {
        if (schedulers.Length == 0)
        {
            if (saved.Count > 0) notRestored.Add($"{saved.Count} scheduler state(s) (no schedulers given)");
            return;
        }
        if (schedulers.Length != saved.Count)
        {
            problems.Add($"{schedulers.Length} schedulers were given but the file holds {saved.Count} scheduler states");
            return;
        }
        for (int i = 0; i < schedulers.Length; i++)
        {
            Scheduler s = schedulers[i];
            SchedulerState? state = saved[i];
            string what = $"scheduler {i}";
            if (state is null) { problems.Add($"{what}: the file's state is null"); continue; }
            if (state.Hyperparameter != s.Hyperparameter || state.Mode != s.Mode)
            {
                problems.Add($"{what} drives {s.Hyperparameter} ({s.Mode}) but the file's drives {state.Hyperparameter} ({state.Mode})");
            }
            if (state.InitialValues is null || state.InitialValues.Count != s.Groups.Count)
            {
                problems.Add($"{what} drives {s.Groups.Count} groups but the file's drives {state.InitialValues?.Count ?? 0}");
            }
            else if (state.Step < 0 || state.Step > CheckpointData.MaxStep || state.InitialValues.Any(v => !double.IsFinite(v)))
            {
                problems.Add($"{what}: the file's step {state.Step} is outside [0, {CheckpointData.MaxStep}] or an initial value is not finite");
            }
        }
    }

    /// <summary>Adds a sentence per saved plateau state that does not fit.</summary>
    public static void PlanPlateaus(ReduceOnPlateau[] plateaus, List<ReduceOnPlateauState> saved, List<string> problems, List<string> notRestored)
    {
        if (plateaus.Length == 0)
        {
            if (saved.Count > 0) notRestored.Add($"{saved.Count} plateau scheduler state(s) (none given)");
            return;
        }
        if (plateaus.Length != saved.Count)
        {
            problems.Add($"{plateaus.Length} plateau schedulers were given but the file holds {saved.Count} states");
            return;
        }
        for (int i = 0; i < saved.Count; i++)
        {
            var s = saved[i];
            if (s is null || s.LastStep < 0 || s.LastStep > CheckpointData.MaxStep || s.NumBadSteps < 0 || s.CooldownCounter < 0 || double.IsNaN(s.Best))
            {
                problems.Add($"plateau scheduler {i}: the file's state is null, has a counter outside [0, {CheckpointData.MaxStep}] or a NaN best");
            }
        }
    }
}
