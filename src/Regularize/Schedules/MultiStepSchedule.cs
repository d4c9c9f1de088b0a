namespace Regularize.Schedules;

/// <summary>
/// Multi-step decay: v(t) = v₀ · γ^k(t), where k(t) = |{ i : mᵢ ≤ t }| counts the milestones reached.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c></description></item>
/// <item><term>mᵢ</term><description><c>milestones</c> (non-decreasing; a repeated milestone applies γ twice, as in PyTorch)</description></item>
/// <item><term>γ</term><description><c>gamma</c></description></item>
/// </list>
/// PyTorch: <c>MultiStepLR(optimizer, milestones=[m₁, …], gamma=γ)</c> with the group's lr = v₀.
/// </remarks>
public sealed class MultiStepSchedule : ISchedule
{
    private readonly long[] _milestones;

    /// <summary>Creates v(t) = <paramref name="baseValue"/> · <paramref name="gamma"/>^(number of milestones ≤ t).</summary>
    /// <param name="baseValue">v₀, the value at step 0; finite.</param>
    /// <param name="milestones">mᵢ, the steps at which γ is applied; each &gt; 0, in non-decreasing order.</param>
    /// <param name="gamma">γ; finite and ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="ArgumentException">The milestones are not in non-decreasing order.</exception>
    public MultiStepSchedule(double baseValue, IEnumerable<long> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        Gamma = ScheduleGuard.NonNegative(gamma, nameof(gamma));
        _milestones = milestones.ToArray();
        for (int i = 0; i < _milestones.Length; i++)
        {
            if (_milestones[i] <= 0)
                throw new ArgumentOutOfRangeException(nameof(milestones), _milestones[i], $"milestones[{i}] must be > 0, was {_milestones[i]}.");
            if (i > 0 && _milestones[i] < _milestones[i - 1])
                throw new ArgumentException($"milestones must be non-decreasing, but milestones[{i}] = {_milestones[i]} < milestones[{i - 1}] = {_milestones[i - 1]}.", nameof(milestones));
        }
    }

    /// <summary>v₀, the value at step 0.</summary>
    public double BaseValue { get; }

    /// <summary>The milestones mᵢ, in order.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>γ, the factor applied at each milestone.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        return BaseValue * Math.Pow(Gamma, CountReached(_milestones, step));
    }

    /// <summary>The number of entries ≤ <paramref name="step"/> in a sorted array (Python's bisect_right).</summary>
    internal static int CountReached(long[] sorted, long step)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= step) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
