using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>8 float lanes: a thin <see cref="IFloatVector{TSelf}"/> wrapper over <see cref="Vector256{T}"/> of float.</summary>
public readonly struct F32x8 : IFloatVector<F32x8>
{
    /// <summary>The wrapped vector.</summary>
    public readonly Vector256<float> Value;

    /// <summary>Wraps <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F32x8(Vector256<float> value) => Value = value;

    /// <inheritdoc/>
    public static int Count => Vector256<float>.Count;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static F32x8 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<float>.Zero); }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Create(float value) => new(Vector256.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(F32x8 value, ref float destination, nuint index) => value.Value.StoreUnsafe(ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator +(F32x8 a, F32x8 b) => new(a.Value + b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator -(F32x8 a, F32x8 b) => new(a.Value - b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator *(F32x8 a, F32x8 b) => new(a.Value * b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator /(F32x8 a, F32x8 b) => new(a.Value / b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator -(F32x8 a) => new(-a.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator &(F32x8 a, F32x8 b) => new(a.Value & b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 operator |(F32x8 a, F32x8 b) => new(a.Value | b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Sqrt(F32x8 x) => new(Vector256.Sqrt(x.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Abs(F32x8 x) => new(Vector256.Abs(x.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Max(F32x8 a, F32x8 b) => new(Vector256.Max(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Min(F32x8 a, F32x8 b) => new(Vector256.Min(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 CopySign(F32x8 magnitude, F32x8 sign) => new(Vector256.CopySign(magnitude.Value, sign.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 Sign(F32x8 x) =>
        new(Vector256.AndNot(Vector256.CopySign(Vector256<float>.One, x.Value), Vector256.Equals(x.Value, Vector256<float>.Zero)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 FusedMultiplyAdd(F32x8 a, F32x8 b, F32x8 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 EqualMask(F32x8 a, F32x8 b) => new(Vector256.Equals(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 LessThanMask(F32x8 a, F32x8 b) => new(Vector256.LessThan(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 LessThanOrEqualMask(F32x8 a, F32x8 b) => new(Vector256.LessThanOrEqual(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x8 ConditionalSelect(F32x8 mask, F32x8 whenTrue, F32x8 whenFalse) =>
        new(Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllSet(F32x8 mask) => Vector256.EqualsAll(mask.Value.AsInt32(), Vector256<int>.AllBitsSet);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateSquares(F32x8 x, ref double lanes, nuint offset)
    {
        var (lo, hi) = Vector256.Widen(x.Value);
        (Vector256.LoadUnsafe(ref lanes, offset) + lo * lo).StoreUnsafe(ref lanes, offset);
        (Vector256.LoadUnsafe(ref lanes, offset + 4) + hi * hi).StoreUnsafe(ref lanes, offset + 4);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(F32x8 x, ref double destination)
    {
        var (lo, hi) = Vector256.Widen(x.Value);
        (Vector256.LoadUnsafe(ref destination) + lo).StoreUnsafe(ref destination);
        (Vector256.LoadUnsafe(ref destination, 4) + hi).StoreUnsafe(ref destination, 4);
    }
}
