using Regularize.Schedules;

namespace Regularize.Lab.Experiments;

/// <summary>Schedules the lab builds from a few numbers.</summary>
internal static class LabSchedules
{
    /// <summary>
    /// Linear warm-up from <paramref name="startFactor"/>·<paramref name="peak"/> to <paramref name="peak"/> over
    /// <paramref name="warmup"/> steps, then cosine annealing to <paramref name="floor"/> at step <paramref name="totalSteps"/>.
    /// </summary>
    public static ISchedule WarmupCosine(double peak, long warmup, long totalSteps, double startFactor = 0.01, double floor = 0)
    {
        if (warmup <= 0) return new CosineAnnealing(peak, Math.Max(1, totalSteps), floor);
        if (warmup >= totalSteps) throw new ArgumentException($"the warm-up ({warmup} steps) must be shorter than the run ({totalSteps} steps).");
        return new SequentialSchedule(
            [new LinearSchedule(peak, startFactor, 1.0, warmup), new CosineAnnealing(peak, totalSteps - warmup, floor)],
            [warmup]);
    }
}
