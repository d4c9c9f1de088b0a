namespace Regularize.Schedules;

/// <summary>What a <see cref="CyclicSchedule"/>'s scale function is evaluated at (PyTorch's <c>scale_mode</c>).</summary>
public enum CyclicScaleMode
{
    /// <summary>The cycle number c = 1, 2, … (PyTorch's <c>scale_mode='cycle'</c>).</summary>
    Cycle,

    /// <summary>The step t = 0, 1, 2, … (PyTorch's <c>scale_mode='iterations'</c>).</summary>
    Iterations,
}
