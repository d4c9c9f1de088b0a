namespace Regularize.Schedules;

/// <summary>
/// The phase boundaries shared by <see cref="OneCycle"/> and <see cref="OneCycleMomentum"/>: phase k ends at
/// step e_k (e₁ = p·N − 1; three-phase: e₂ = 2p·N − 2; the last ends at N − 1), and a step t in phase k
/// has progress (t − e_{k−1}) / (e_k − e_{k−1}) with e₀ = 0.
/// </summary>
internal sealed class OneCyclePhases
{
    private readonly double[] _ends;

    public OneCyclePhases(long totalSteps, double pctStart, OneCycleAnnealing annealing, bool threePhase)
    {
        TotalSteps = ScheduleGuard.Positive(totalSteps, nameof(totalSteps));
        PctStart = ScheduleGuard.InClosedRange(pctStart, nameof(pctStart), 0, 1);
        if (!Enum.IsDefined(annealing))
            throw new ArgumentOutOfRangeException(nameof(annealing), annealing, $"annealing must be a defined OneCycleAnnealing, was {annealing}.");
        Annealing = annealing;
        ThreePhase = threePhase;
        _ends = threePhase
            ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
            : [pctStart * totalSteps - 1, totalSteps - 1];
    }

    public long TotalSteps { get; }

    public double PctStart { get; }

    public OneCycleAnnealing Annealing { get; }

    public bool ThreePhase { get; }

    /// <summary>The value at <paramref name="step"/> given each phase's (start, end) values; steps past N − 1 hold the last value.</summary>
    public double At(long step, ReadOnlySpan<(double Start, double End)> phases)
    {
        ScheduleGuard.Step(step);
        double t = Math.Min(step, TotalSteps - 1);
        double start = 0;
        for (int k = 0; k < _ends.Length; k++)
        {
            double end = _ends[k];
            if (t <= end || k == _ends.Length - 1)
            {
                double pct = (t - start) / (end - start);
                return Anneal(phases[k].Start, phases[k].End, pct);
            }
            start = end;
        }
        throw new InvalidOperationException("unreachable");
    }

    private double Anneal(double from, double to, double pct) => Annealing == OneCycleAnnealing.Cosine
        ? to + (from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (to - from) * pct + from;
}
