using System.Runtime.CompilerServices;
using Regularize.Tensors.Kernels;

namespace Regularize.Optimizers;

/// <summary>
/// The state slots (m, v, a momentum buffer, …) of an optimizer at the element(s) an
/// <see cref="IUpdateRule{TSelf}"/> is updating, addressed by slot number (the index into the optimizer's
/// slot names). A slot that the parameter has not allocated must not be touched.
/// </summary>
public readonly ref struct StateSlots
{
    private readonly ref float _s0;
    private readonly ref float _s1;
    private readonly ref float _s2;
    private readonly ref float _s3;
    private readonly nuint _index;
    private readonly nuint _offset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal StateSlots(ref float s0, ref float s1, ref float s2, ref float s3, nuint index, nuint offset = 0)
    {
        _offset = offset;
        _s0 = ref s0;
        _s1 = ref s1;
        _s2 = ref s2;
        _s3 = ref s3;
        _index = index;
    }

    /// <summary>The most slots an optimizer may declare.</summary>
    public const int MaxSlots = 4;

    /// <summary>
    /// The index in the parameter (flat, row-major) of the element, or of the first lane in the vector form. A rule
    /// that reads state which is not parameter-shaped per element (Adafactor's row and column factors) uses it.
    /// </summary>
    public nuint Index
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _offset + _index;
    }

    /// <summary>The element of slot <paramref name="slot"/> (scalar form).</summary>
    public ref float this[int slot]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref Base(slot), _index);
    }

    /// <summary>Loads the elements of slot <paramref name="slot"/> (vector form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Load<TVec>(int slot) where TVec : struct, IFloatVector<TVec> => TVec.Load(ref Base(slot), _index);

    /// <summary>Stores <paramref name="value"/> into slot <paramref name="slot"/> (vector form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store<TVec>(int slot, TVec value) where TVec : struct, IFloatVector<TVec> => TVec.Store(value, ref Base(slot), _index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref float Base(int slot)
    {
        if (slot == 0) return ref _s0;
        if (slot == 1) return ref _s1;
        if (slot == 2) return ref _s2;
        return ref _s3;
    }
}
