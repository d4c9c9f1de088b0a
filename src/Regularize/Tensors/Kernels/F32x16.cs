using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>16 float lanes: a thin <see cref="IFloatVector{TSelf}"/> wrapper over <see cref="Vector512{T}"/> of float.</summary>
public readonly struct F32x16 : IFloatVector<F32x16>
{
    /// <summary>The wrapped vector.</summary>
    public readonly Vector512<float> Value;

    /// <summary>Wraps <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F32x16(Vector512<float> value) => Value = value;

    /// <inheritdoc/>
    public static int Count => Vector512<float>.Count;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static F32x16 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<float>.Zero); }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Create(float value) => new(Vector512.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(F32x16 value, ref float destination, nuint index) => value.Value.StoreUnsafe(ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator +(F32x16 a, F32x16 b) => new(a.Value + b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator -(F32x16 a, F32x16 b) => new(a.Value - b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator *(F32x16 a, F32x16 b) => new(a.Value * b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator /(F32x16 a, F32x16 b) => new(a.Value / b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator -(F32x16 a) => new(-a.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator &(F32x16 a, F32x16 b) => new(a.Value & b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 operator |(F32x16 a, F32x16 b) => new(a.Value | b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Sqrt(F32x16 x) => new(Vector512.Sqrt(x.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Abs(F32x16 x) => new(Vector512.Abs(x.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Max(F32x16 a, F32x16 b) => new(Vector512.Max(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Min(F32x16 a, F32x16 b) => new(Vector512.Min(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 CopySign(F32x16 magnitude, F32x16 sign) => new(Vector512.CopySign(magnitude.Value, sign.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 Sign(F32x16 x) =>
        new(Vector512.AndNot(Vector512.CopySign(Vector512<float>.One, x.Value), Vector512.Equals(x.Value, Vector512<float>.Zero)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 FusedMultiplyAdd(F32x16 a, F32x16 b, F32x16 c) => new(Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 EqualMask(F32x16 a, F32x16 b) => new(Vector512.Equals(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 LessThanMask(F32x16 a, F32x16 b) => new(Vector512.LessThan(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 LessThanOrEqualMask(F32x16 a, F32x16 b) => new(Vector512.LessThanOrEqual(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x16 ConditionalSelect(F32x16 mask, F32x16 whenTrue, F32x16 whenFalse) =>
        new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllSet(F32x16 mask) => Vector512.EqualsAll(mask.Value.AsInt32(), Vector512<int>.AllBitsSet);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateSquares(F32x16 x, ref double lanes, nuint offset)
    {
        var (lo, hi) = Vector512.Widen(x.Value);
        (Vector512.LoadUnsafe(ref lanes, offset) + lo * lo).StoreUnsafe(ref lanes, offset);
        (Vector512.LoadUnsafe(ref lanes, offset + 8) + hi * hi).StoreUnsafe(ref lanes, offset + 8);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(F32x16 x, ref double destination)
    {
        var (lo, hi) = Vector512.Widen(x.Value);
        (Vector512.LoadUnsafe(ref destination) + lo).StoreUnsafe(ref destination);
        (Vector512.LoadUnsafe(ref destination, 8) + hi).StoreUnsafe(ref destination, 8);
    }
}
