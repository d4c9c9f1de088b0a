namespace Regularize.Schedules;

/// <summary>How a <see cref="Scheduler"/> turns a schedule's value s(t) into the value it writes into each group.</summary>
public enum ScheduleMode
{
    /// <summary>Write s(t) itself: the schedule is in absolute terms (<c>new CosineAnnealing(baseValue: 0.1, …)</c> writes 0.1 at step 0).</summary>
    Absolute,

    /// <summary>
    /// Write v₀ · s(t), where v₀ is the group's value when the scheduler was bound: the schedule is a multiplier
    /// (PyTorch's <c>LambdaLR</c> convention). One multiplier schedule then drives groups with different bases.
    /// </summary>
    MultiplyInitial,

    /// <summary>
    /// Write v₀ · s(t) / s(0): the group's value follows the schedule's shape relative to its start, the multiplier
    /// ηₜ = s(t) / s(0) of Loshchilov &amp; Hutter. Binding the learning-rate schedule to
    /// <see cref="Optimizers.Hyperparameter.WeightDecay"/> in this mode gives λₜ = ηₜ · λ, so decay falls with the
    /// learning rate. s(0) must be finite and nonzero.
    /// </summary>
    MultiplyInitialByRatio,
}
