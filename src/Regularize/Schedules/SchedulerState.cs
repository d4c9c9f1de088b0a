using Regularize.Optimizers;

namespace Regularize.Schedules;

/// <summary>
/// The exportable state of a <see cref="Scheduler"/>: a plain record that serializes with System.Text.Json.
/// </summary>
/// <param name="Step">The step whose values are in place.</param>
/// <param name="InitialValues">Each group's value v₀ captured at binding, the base of the multiplier modes.</param>
/// <param name="Hyperparameter">The hyperparameter the scheduler drives; checked on import.</param>
/// <param name="Mode">The scheduler's mode; checked on import.</param>
public sealed record SchedulerState(long Step, IReadOnlyList<double> InitialValues, Hyperparameter Hyperparameter, ScheduleMode Mode);
