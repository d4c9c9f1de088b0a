namespace Regularize.Schedules;

/// <summary>
/// The exportable state of a <see cref="ReduceOnPlateau"/>: a plain record. <see cref="Best"/> is ±∞ before the first
/// metric, so serialize it with <c>JsonNumberHandling.AllowNamedFloatingPointLiterals</c>. The reduced values themselves
/// live in the parameter groups (the optimizer's checkpoint), not here.
/// </summary>
/// <param name="LastStep">The number of metrics seen (PyTorch's <c>last_epoch</c>).</param>
/// <param name="Best">The best metric so far (+∞ in min mode, −∞ in max mode before any).</param>
/// <param name="NumBadSteps">Consecutive metrics without improvement (PyTorch's <c>num_bad_epochs</c>).</param>
/// <param name="CooldownCounter">Steps of cooldown left.</param>
public sealed record ReduceOnPlateauState(long LastStep, double Best, int NumBadSteps, int CooldownCounter);
