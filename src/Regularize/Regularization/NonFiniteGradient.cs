namespace Regularize.Regularization;

/// <summary>What an optimizer does when a gradient holds NaN or ±∞. It is never applied.</summary>
public enum NonFiniteGradient
{
    /// <summary>Throw a <see cref="NonFiniteGradientException"/> naming the parameter; nothing is updated. The default.</summary>
    Throw,

    /// <summary>Skip the whole step (no parameter, moment or step count changes) and set <c>LastStepSkipped</c>.</summary>
    Skip,
}
