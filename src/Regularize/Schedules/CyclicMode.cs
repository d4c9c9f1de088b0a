namespace Regularize.Schedules;

/// <summary>How a <see cref="CyclicSchedule"/> scales its amplitude (Smith, "Cyclical Learning Rates", 2017).</summary>
public enum CyclicMode
{
    /// <summary>The same amplitude every cycle: scale s = 1.</summary>
    Triangular,

    /// <summary>The amplitude halves every cycle: s = 1 / 2^(c − 1) for cycle c = 1, 2, ….</summary>
    Triangular2,

    /// <summary>The amplitude decays every step: s = γ^t.</summary>
    ExpRange,

    /// <summary>The amplitude is a user function of the cycle or the step (PyTorch's <c>scale_fn</c>); set by the <see cref="CyclicSchedule"/> constructor that takes one.</summary>
    Custom,
}
