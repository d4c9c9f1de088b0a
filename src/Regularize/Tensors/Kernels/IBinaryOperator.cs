namespace Regularize.Tensors.Kernels;

/// <summary>
/// An elementwise binary operation <c>d = f(x, y)</c>. The scalar <see cref="Invoke(float, float)"/> is the definition;
/// the span overloads are its vectorised forms (usually <see cref="System.Numerics.Tensors.TensorPrimitives"/>),
/// and tests check each against the scalar one.
/// </summary>
public interface IBinaryOperator
{
    /// <summary>The operation on one pair of elements.</summary>
    static abstract float Invoke(float x, float y);

    /// <summary><c>d[i] = f(x[i], y[i])</c>.</summary>
    static abstract void Invoke(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);

    /// <summary><c>d[i] = f(x[i], y)</c>.</summary>
    static abstract void Invoke(ReadOnlySpan<float> x, float y, Span<float> destination);

    /// <summary><c>d[i] = f(x, y[i])</c>.</summary>
    static abstract void Invoke(float x, ReadOnlySpan<float> y, Span<float> destination);
}
