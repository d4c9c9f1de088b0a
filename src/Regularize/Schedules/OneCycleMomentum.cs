namespace Regularize.Schedules;

/// <summary>
/// The momentum (or Adam β₁) companion of <see cref="OneCycle"/>: it moves opposite to the learning rate,
/// m_max → m_base over the rising phase and m_base → m_max over the second; with three phases it then
/// holds m_max: m(t) = anneal(m_max, m_base, t / e₁) for t ≤ e₁, anneal(m_base, m_max, (t − e₁) / (e₂ − e₁))
/// up to e₂ (= N − 1 in two-phase mode), and m_max after. Phase ends e_k and anneal are those of
/// <see cref="OneCycle"/>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter (PyTorch name, PyTorch default)</description></listheader>
/// <item><term>m_base</term><description><c>baseMomentum</c> (<c>base_momentum</c>, 0.85)</description></item>
/// <item><term>m_max</term><description><c>maxMomentum</c> (<c>max_momentum</c>, 0.95)</description></item>
/// <item><term>N, p</term><description><c>totalSteps</c>, <c>pctStart</c>: must equal the learning-rate cycle's</description></item>
/// </list>
/// PyTorch writes this into <c>momentum</c> for SGD and into <c>betas[0]</c> for Adam-family optimizers
/// (<c>cycle_momentum=True</c>); here bind it with a <see cref="Scheduler"/> to
/// <see cref="Optimizers.Hyperparameter.Momentum"/> or <see cref="Optimizers.Hyperparameter.Beta1"/>.
/// fastai's default cycle is (0.95, 0.85, 0.95): the same values.
/// </remarks>
public sealed class OneCycleMomentum : ISchedule
{
    private readonly OneCyclePhases _phases;
    private readonly (double Start, double End)[] _values;

    /// <summary>Creates the momentum cycle.</summary>
    /// <param name="totalSteps">N, the length of the cycle; &gt; 0.</param>
    /// <param name="baseMomentum">m_base, the value at the learning-rate peak; finite.</param>
    /// <param name="maxMomentum">m_max, the value at the start and the end; finite.</param>
    /// <param name="pctStart">p, the fraction of the cycle spent in the first phase; in [0, 1].</param>
    /// <param name="annealing">Cosine or linear interpolation within each phase.</param>
    /// <param name="threePhase">Whether the cycle has three phases (the third holds m_max).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public OneCycleMomentum(long totalSteps, double baseMomentum = 0.85, double maxMomentum = 0.95, double pctStart = 0.3,
        OneCycleAnnealing annealing = OneCycleAnnealing.Cosine, bool threePhase = false)
    {
        BaseMomentum = ScheduleGuard.Finite(baseMomentum, nameof(baseMomentum));
        MaxMomentum = ScheduleGuard.Finite(maxMomentum, nameof(maxMomentum));
        _phases = new OneCyclePhases(totalSteps, pctStart, annealing, threePhase);
        _values = threePhase
            ? [(maxMomentum, baseMomentum), (baseMomentum, maxMomentum), (maxMomentum, maxMomentum)]
            : [(maxMomentum, baseMomentum), (baseMomentum, maxMomentum)];
    }

    /// <summary>m_base, the value at the learning-rate peak.</summary>
    public double BaseMomentum { get; }

    /// <summary>m_max, the value at the start and the end.</summary>
    public double MaxMomentum { get; }

    /// <summary>N, the length of the cycle.</summary>
    public long TotalSteps => _phases.TotalSteps;

    /// <inheritdoc/>
    public double At(long step) => _phases.At(step, _values);
}
