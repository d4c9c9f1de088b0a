namespace Regularize.Schedules;

/// <summary>
/// A schedule: a pure function from a step index t = 0, 1, 2, … to a value (a learning rate, a weight
/// decay, a momentum, a multiplier). Implementations return absolute values (the learning rate itself,
/// not a factor of some base), hold no mutable state, and never touch an optimizer; a
/// <see cref="Scheduler"/> writes the values into parameter groups.
/// </summary>
public interface ISchedule
{
    /// <summary>The value at step <paramref name="step"/> (0 is the value in force for the first optimizer step).</summary>
    /// <param name="step">The step index; must be ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    double At(long step);
}
