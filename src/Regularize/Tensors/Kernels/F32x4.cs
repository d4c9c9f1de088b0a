using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>4 float lanes: a thin <see cref="IFloatVector{TSelf}"/> wrapper over <see cref="Vector128{T}"/> of float.</summary>
public readonly struct F32x4 : IFloatVector<F32x4>
{
    /// <summary>The wrapped vector.</summary>
    public readonly Vector128<float> Value;

    /// <summary>Wraps <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F32x4(Vector128<float> value) => Value = value;

    /// <inheritdoc/>
    public static int Count => Vector128<float>.Count;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static F32x4 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector128<float>.Zero); }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Create(float value) => new(Vector128.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Load(ref float source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(F32x4 value, ref float destination, nuint index) => value.Value.StoreUnsafe(ref destination, index);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator +(F32x4 a, F32x4 b) => new(a.Value + b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator -(F32x4 a, F32x4 b) => new(a.Value - b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator *(F32x4 a, F32x4 b) => new(a.Value * b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator /(F32x4 a, F32x4 b) => new(a.Value / b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator -(F32x4 a) => new(-a.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator &(F32x4 a, F32x4 b) => new(a.Value & b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 operator |(F32x4 a, F32x4 b) => new(a.Value | b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Sqrt(F32x4 x) => new(Vector128.Sqrt(x.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Abs(F32x4 x) => new(Vector128.Abs(x.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Max(F32x4 a, F32x4 b) => new(Vector128.Max(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Min(F32x4 a, F32x4 b) => new(Vector128.Min(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 CopySign(F32x4 magnitude, F32x4 sign) => new(Vector128.CopySign(magnitude.Value, sign.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 Sign(F32x4 x) =>
        new(Vector128.AndNot(Vector128.CopySign(Vector128<float>.One, x.Value), Vector128.Equals(x.Value, Vector128<float>.Zero)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 FusedMultiplyAdd(F32x4 a, F32x4 b, F32x4 c) => new(Vector128.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 EqualMask(F32x4 a, F32x4 b) => new(Vector128.Equals(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 LessThanMask(F32x4 a, F32x4 b) => new(Vector128.LessThan(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 LessThanOrEqualMask(F32x4 a, F32x4 b) => new(Vector128.LessThanOrEqual(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32x4 ConditionalSelect(F32x4 mask, F32x4 whenTrue, F32x4 whenFalse) =>
        new(Vector128.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllSet(F32x4 mask) => Vector128.EqualsAll(mask.Value.AsInt32(), Vector128<int>.AllBitsSet);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateSquares(F32x4 x, ref double lanes, nuint offset)
    {
        var (lo, hi) = Vector128.Widen(x.Value);
        (Vector128.LoadUnsafe(ref lanes, offset) + lo * lo).StoreUnsafe(ref lanes, offset);
        (Vector128.LoadUnsafe(ref lanes, offset + 2) + hi * hi).StoreUnsafe(ref lanes, offset + 2);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(F32x4 x, ref double destination)
    {
        var (lo, hi) = Vector128.Widen(x.Value);
        (Vector128.LoadUnsafe(ref destination) + lo).StoreUnsafe(ref destination);
        (Vector128.LoadUnsafe(ref destination, 2) + hi).StoreUnsafe(ref destination, 2);
    }
}
