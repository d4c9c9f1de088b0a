namespace Regularize.Regularization;

/// <summary>A gradient held NaN or ±∞; <see cref="ParameterName"/> says whose.</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for the parameter named <paramref name="parameterName"/>.</summary>
    public NonFiniteGradientException(string parameterName, string message) : base(message) => ParameterName = parameterName;

    /// <summary>The name of the first parameter whose gradient is not finite.</summary>
    public string ParameterName { get; }
}
