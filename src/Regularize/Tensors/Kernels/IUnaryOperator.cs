using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// An elementwise unary operation <c>d = f(x)</c> written once per width: the scalar <see cref="Invoke(float)"/>
/// is the definition, the vector forms must agree with it element for element. <see cref="UnaryKernel"/> runs it.
/// </summary>
public interface IUnaryOperator
{
    /// <summary>The operation on one element.</summary>
    static abstract float Invoke(float x);

    /// <summary>The operation on 4 lanes.</summary>
    static abstract Vector128<float> Invoke(Vector128<float> x);

    /// <summary>The operation on 8 lanes.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x);

    /// <summary>The operation on 16 lanes.</summary>
    static abstract Vector512<float> Invoke(Vector512<float> x);
}
