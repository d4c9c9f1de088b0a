namespace Regularize.Schedules;

/// <summary>
/// Schedules run one after another, switching at milestones; each child restarts its step count at its milestone:
/// with milestones m₁ &lt; m₂ &lt; … and m₀ = 0, v(t) = S_k(t − m_k) where k = |{ i ≥ 1 : mᵢ ≤ t }|.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>S_k</term><description><c>schedules</c>[k]</description></item>
/// <item><term>m_k</term><description><c>milestones</c>[k − 1]: one fewer than the schedules, strictly increasing, each &gt; 0</description></item>
/// </list>
/// PyTorch: <c>SequentialLR(optimizer, schedulers=[…], milestones=[…])</c>. The usual warm-up then decay is
/// <c>new SequentialSchedule([new LinearSchedule(lr, 0.1, 1, w), new CosineAnnealing(lr, n − w)], [w])</c>.
/// </remarks>
public sealed class SequentialSchedule : ISchedule
{
    private readonly ISchedule[] _schedules;
    private readonly long[] _milestones;

    /// <summary>Creates the sequence.</summary>
    /// <param name="schedules">The schedules, in order; at least one, none null.</param>
    /// <param name="milestones">The steps at which each following schedule takes over; one fewer than the schedules, strictly increasing, each &gt; 0.</param>
    /// <exception cref="ArgumentException">The counts disagree, a schedule is null or the milestones are not strictly increasing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A milestone is ≤ 0.</exception>
    public SequentialSchedule(IEnumerable<ISchedule> schedules, IEnumerable<long> milestones)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        _schedules = schedules.ToArray();
        _milestones = milestones.ToArray();
        if (_schedules.Length == 0) throw new ArgumentException("schedules must contain at least one schedule, was empty.", nameof(schedules));
        for (int i = 0; i < _schedules.Length; i++)
            if (_schedules[i] is null) throw new ArgumentException($"schedules[{i}] is null.", nameof(schedules));
        if (_milestones.Length != _schedules.Length - 1)
            throw new ArgumentException($"milestones must have one entry fewer than schedules ({_schedules.Length - 1}), had {_milestones.Length}.", nameof(milestones));
        for (int i = 0; i < _milestones.Length; i++)
        {
            if (_milestones[i] <= 0) throw new ArgumentOutOfRangeException(nameof(milestones), _milestones[i], $"milestones[{i}] must be > 0, was {_milestones[i]}.");
            if (i > 0 && _milestones[i] <= _milestones[i - 1])
                throw new ArgumentException($"milestones must be strictly increasing, but milestones[{i}] = {_milestones[i]} <= milestones[{i - 1}] = {_milestones[i - 1]}.", nameof(milestones));
        }
    }

    /// <summary>The child schedules, in order.</summary>
    public IReadOnlyList<ISchedule> Schedules => _schedules;

    /// <summary>The milestones at which each following child takes over.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        int k = MultiStepSchedule.CountReached(_milestones, step);
        long start = k == 0 ? 0 : _milestones[k - 1];
        return _schedules[k].At(step - start);
    }
}
