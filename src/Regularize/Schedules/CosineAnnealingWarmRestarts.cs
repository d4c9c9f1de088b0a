namespace Regularize.Schedules;

/// <summary>
/// Cosine annealing with warm restarts (SGDR, Loshchilov &amp; Hutter 2017):
/// v(t) = v_min + (v₀ − v_min) · (1 + cos(π T_cur / T_i)) / 2, where the i-th run lasts
/// T_i = T₀ · T_mult^i steps and T_cur = t − T₀ (T_mult^i − 1) / (T_mult − 1) (or t mod T₀ when T_mult = 1)
/// counts the steps since the last restart.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>symbol</term><description>parameter</description></listheader>
/// <item><term>v₀</term><description><c>baseValue</c> (η_max)</description></item>
/// <item><term>T₀</term><description><c>t0</c>, the length of the first run</description></item>
/// <item><term>T_mult</term><description><c>tMult</c>, the growth of each run's length</description></item>
/// <item><term>v_min</term><description><c>floor</c> (PyTorch's <c>eta_min</c>), absolute</description></item>
/// </list>
/// PyTorch: <c>CosineAnnealingWarmRestarts(optimizer, T_0=T₀, T_mult=T_mult, eta_min=v_min)</c>. The
/// fractional form <see cref="At(double)"/> is PyTorch's <c>scheduler.step(epoch)</c> with a float epoch:
/// step the schedule by <c>epoch + batch / batchesPerEpoch</c>. The run index i is found with integer
/// arithmetic (and, for fractional t, corrected after the logarithm), so exact restart boundaries land
/// on the start of the new run.
/// </remarks>
public sealed class CosineAnnealingWarmRestarts : IFractionalSchedule
{
    /// <summary>Creates the SGDR schedule.</summary>
    /// <param name="baseValue">v₀, the value right after each restart; finite.</param>
    /// <param name="t0">T₀, the length of the first run in steps; &gt; 0.</param>
    /// <param name="tMult">T_mult, each run is T_mult times longer than the previous; ≥ 1.</param>
    /// <param name="floor">v_min, the absolute value approached at the end of each run; finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineAnnealingWarmRestarts(double baseValue, long t0, long tMult = 1, double floor = 0)
    {
        BaseValue = ScheduleGuard.Finite(baseValue, nameof(baseValue));
        T0 = ScheduleGuard.Positive(t0, nameof(t0));
        if (tMult < 1) throw new ArgumentOutOfRangeException(nameof(tMult), tMult, $"tMult must be >= 1, was {tMult}.");
        TMult = tMult;
        Floor = ScheduleGuard.Finite(floor, nameof(floor));
    }

    /// <summary>v₀, the value right after each restart.</summary>
    public double BaseValue { get; }

    /// <summary>T₀, the length of the first run.</summary>
    public long T0 { get; }

    /// <summary>T_mult, the factor by which each run is longer than the previous.</summary>
    public long TMult { get; }

    /// <summary>v_min, the absolute floor.</summary>
    public double Floor { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleGuard.Step(step);
        long tCur = step, tI = T0;
        if (TMult == 1)
        {
            tCur = step % T0;
        }
        else
        {
            while (tCur >= tI)
            {
                tCur -= tI;
                if (tI > long.MaxValue / TMult) break; // the next run is longer than any representable step
                tI *= TMult;
            }
        }
        return Evaluate(tCur, tI);
    }

    /// <inheritdoc/>
    public double At(double step)
    {
        ScheduleGuard.Step(step);
        if (step < T0) return Evaluate(step, T0);
        if (TMult == 1) return Evaluate(step % T0, T0);

        // Run i starts at T₀ (T_mult^i − 1) / (T_mult − 1); estimate i by a logarithm, then correct it exactly.
        int i = (int)Math.Floor(Math.Log(step / T0 * (TMult - 1) + 1) / Math.Log(TMult));
        i = Math.Max(i, 0);
        while (i > 0 && RunStart(i) > step) i--;
        while (RunStart(i + 1) <= step) i++;
        return Evaluate(step - RunStart(i), T0 * Math.Pow(TMult, i));
    }

    private double RunStart(int i) => T0 * (Math.Pow(TMult, i) - 1) / (TMult - 1);

    private double Evaluate(double tCur, double tI) => Floor + (BaseValue - Floor) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
}
