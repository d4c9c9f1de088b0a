namespace Regularize.Tensors.Kernels;

/// <summary>
/// One SIMD width of float32 lanes, as static members, so that a kernel written once as a generic method over
/// <typeparamref name="TSelf"/> runs at every width (<see cref="F32x16"/>, <see cref="F32x8"/>, <see cref="F32x4"/>).
/// The implementations are thin wrappers over <c>Vector512/256/128&lt;float&gt;</c> whose members the JIT inlines,
/// so the abstraction costs nothing in the generated loop. Every operation rounds like its scalar
/// <see cref="MathF"/> counterpart, so a vector form and a scalar form written with the same operations in
/// the same order give the same bits.
/// </summary>
/// <typeparam name="TSelf">The implementing width.</typeparam>
public interface IFloatVector<TSelf> where TSelf : struct, IFloatVector<TSelf>
{
    /// <summary>The number of float lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on hardware here (otherwise it works, slowly, in software).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>All lanes 0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>All lanes <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    /// <summary>Loads <see cref="Count"/> floats starting at element <paramref name="index"/> of <paramref name="source"/>.</summary>
    static abstract TSelf Load(ref float source, nuint index);

    /// <summary>Stores the lanes at element <paramref name="index"/> of <paramref name="destination"/>.</summary>
    static abstract void Store(TSelf value, ref float destination, nuint index);

    /// <summary>Lane-wise a + b.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise a − b.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Lane-wise a · b.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Lane-wise a / b.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary>Lane-wise −a.</summary>
    static abstract TSelf operator -(TSelf a);

    /// <summary>Lane-wise bitwise and (for masks).</summary>
    static abstract TSelf operator &(TSelf a, TSelf b);

    /// <summary>Lane-wise bitwise or (for masks).</summary>
    static abstract TSelf operator |(TSelf a, TSelf b);

    /// <summary>Lane-wise √x (<see cref="MathF.Sqrt"/>).</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>Lane-wise |x|.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>Lane-wise maximum, as <see cref="MathF.Max"/>.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>Lane-wise minimum, as <see cref="MathF.Min"/>.</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>Lane-wise |magnitude| with the sign of <paramref name="sign"/>, as <see cref="MathF.CopySign"/>.</summary>
    static abstract TSelf CopySign(TSelf magnitude, TSelf sign);

    /// <summary>Lane-wise sign: 0 where x = ±0, otherwise ±1 with x's sign bit (the scalar form is <c>x == 0 ? 0 : MathF.CopySign(1, x)</c>).</summary>
    static abstract TSelf Sign(TSelf x);

    /// <summary>Lane-wise a·b + c with one rounding, as <see cref="MathF.FusedMultiplyAdd"/>.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>A mask: all bits set in lanes where a = b.</summary>
    static abstract TSelf EqualMask(TSelf a, TSelf b);

    /// <summary>A mask: all bits set in lanes where a &lt; b.</summary>
    static abstract TSelf LessThanMask(TSelf a, TSelf b);

    /// <summary>A mask: all bits set in lanes where a ≤ b (false where either is NaN).</summary>
    static abstract TSelf LessThanOrEqualMask(TSelf a, TSelf b);

    /// <summary>Per lane: <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf ConditionalSelect(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>True when every lane of <paramref name="mask"/> has all bits set.</summary>
    static abstract bool AllSet(TSelf mask);

    /// <summary>
    /// Adds the square of each lane, in double, to a run of accumulators: lane j goes to <c>lanes[offset + j]</c>.
    /// A caller that walks an array from a multiple of 32 with 32 accumulators and passes offset = i mod 32 puts element
    /// i in accumulator i mod 32, in index order, whatever the width: the sums are identical at every width and in the
    /// scalar form (products of floats are exact in double).
    /// </summary>
    /// <param name="x">The lanes.</param>
    /// <param name="lanes">The accumulators.</param>
    /// <param name="offset">The accumulator of lane 0.</param>
    static abstract void AccumulateSquares(TSelf x, ref double lanes, nuint offset);

    /// <summary>Adds lane j, widened to double, to <c>destination[j]</c> for every lane (a run of <see cref="Count"/> doubles).</summary>
    /// <param name="x">The lanes.</param>
    /// <param name="destination">The first of <see cref="Count"/> doubles.</param>
    static abstract void AddWidened(TSelf x, ref double destination);
}
