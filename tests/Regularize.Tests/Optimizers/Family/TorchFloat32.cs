namespace Regularize.Tests.Optimizers.Family;

/// <summary>
/// What torch 1.13's float32 CPU kernels (Debian build, AVX2 dispatch) compute for the in-place ops the
/// optimizers use, measured op by op against numpy on 100 000 elements, for both the vectorised body and the
/// scalar tail (which GCC also contracts). Python-float arguments (alpha, value, scalars) are first rounded to float32.
/// <list type="bullet">
/// <item><c>a.add(b, alpha=s)</c> (and <c>add_</c>): one fused multiply-add, fma(s, b, a).</item>
/// <item><c>a.addcmul(b, c, value=s)</c>: (s·b) rounded, then fma(s·b, c, a).</item>
/// <item><c>a.addcdiv(b, c, value=s)</c>: a + (s·b)/c, three roundings, no fusion.</item>
/// <item><c>a.mul(s)</c>, <c>a / s</c>, <c>a.sub(b)</c>, <c>sqrt</c>: one IEEE rounding each; division by a scalar is a true division.</item>
/// <item><c>s / tensor</c> (Python's <c>__rtruediv__</c>): reciprocal first, then times s: (1/c)·s.</item>
/// </list>
/// </summary>
internal static class TorchFloat32
{
    /// <summary><c>a.add(b, alpha=s)</c> = fma(s, b, a).</summary>
    public static float Add(float a, float b, double alpha) => MathF.FusedMultiplyAdd((float)alpha, b, a);

    /// <summary><c>a.addcmul(b, c, value=s)</c> = fma(s·b, c, a).</summary>
    public static float AddCMul(float a, float b, float c, double value) => MathF.FusedMultiplyAdd((float)value * b, c, a);

    /// <summary><c>a.addcdiv(b, c, value=s)</c> = a + (s·b)/c.</summary>
    public static float AddCDiv(float a, float b, float c, double value) => a + (float)value * b / c;

    /// <summary>torch.sign: 1, −1 or 0 (NaN stays NaN).</summary>
    public static float Sign(float x) => x > 0 ? 1f : x < 0 ? -1f : x == 0 ? 0f : x;
}
