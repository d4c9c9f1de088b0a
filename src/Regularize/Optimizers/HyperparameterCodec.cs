using Regularize.Regularization;

namespace Regularize.Optimizers;

/// <summary>Reads and writes a group's hyperparameters as name → double, for any <see cref="Hyperparameter"/>.</summary>
internal static class HyperparameterCodec
{
    public static Dictionary<string, double> Export(ParameterGroup g)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var h in Hyperparameter.WellKnown) d[h.Name] = g.Get(h);
        foreach (var h in g.AssignedHyperparameters) d[h.Name] = g.Get(h);
        d["nesterov"] = g.Nesterov == true ? 1 : 0;
        d["amsGrad"] = g.AmsGrad == true ? 1 : 0;
        d["maximize"] = g.Maximize == true ? 1 : 0;
        d["l1Mode"] = (int)(g.L1Mode ?? L1Mode.Proximal);
        d["initialLearningRate"] = g.InitialLearningRate ?? g.LearningRate;
        if (g.ScheduleMultiplier is double eta) d["scheduleMultiplier"] = eta;
        return d;
    }

    public static void Validate(Dictionary<string, double>? values, int group)
    {
        foreach (var (key, value) in values ?? [])
        {
            try
            {
                if (key is "nesterov" or "amsGrad" or "maximize" or "l1Mode") { if (value is not (0 or 1)) throw new ArgumentException($"{key} must be 0 or 1, was {value}."); }
                else if (key is "initialLearningRate" or "scheduleMultiplier") { if (!(double.IsFinite(value) && value >= 0)) throw new ArgumentException($"{key} must be >= 0, was {value}."); }
                else if (Hyperparameter.TryFind(key, out var h)) h.Check(value);
                else throw new ArgumentException($"unknown hyperparameter '{key}'.");
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Group {group} of the state: {e.Message}", "state", e);
            }
        }
    }

    public static void Import(ParameterGroup g, Dictionary<string, double>? values)
    {
        foreach (var (key, value) in values ?? [])
        {
            if (key == "nesterov") g.Nesterov = value != 0;
            else if (key == "amsGrad") g.AmsGrad = value != 0;
            else if (key == "maximize") g.Maximize = value != 0;
            else if (key == "l1Mode") g.L1Mode = (L1Mode)(int)value;
            else if (key == "initialLearningRate") g.InitialLearningRate = value;
            else if (key == "scheduleMultiplier") g.ScheduleMultiplier = value;
            else if (Hyperparameter.TryFind(key, out var h)) g.Set(h, value);
        }
    }
}
