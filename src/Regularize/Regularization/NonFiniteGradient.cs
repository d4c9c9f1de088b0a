namespace Regularize.Regularization;

/// <summary>What an optimizer does when a gradient holds NaN or ±∞. It is never applied.</summary>
public enum NonFiniteGradient
{
    /// <summary>Throw a <see cref="NonFiniteGradientException"/> naming the parameter; nothing is updated. The default.</summary>
    Throw,

    /// <summary>Skip the whole step (no parameter, moment or step count changes) and set <c>LastStepSkipped</c>.</summary>
    Skip,
}

/// <summary>A gradient held NaN or ±∞; <see cref="ParameterName"/> says whose.</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for the parameter named <paramref name="parameterName"/>.</summary>
    public NonFiniteGradientException(string parameterName, string message) : base(message) => ParameterName = parameterName;

    /// <summary>The name of the first parameter whose gradient is not finite.</summary>
    public string ParameterName { get; }
}
