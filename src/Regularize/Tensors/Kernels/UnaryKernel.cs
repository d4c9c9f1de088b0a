using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>
/// The shared loop for <see cref="IUnaryOperator"/>s: one index walks from the widest accelerated vector down to
/// scalar, so lengths that are not multiples of the width are handled by the narrower steps. In-place use
/// (<c>x</c> and <c>destination</c> the same span) is allowed; partial overlap is not.
/// </summary>
public static class UnaryKernel
{
    /// <summary><c>destination[i] = TOp(x[i])</c>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : struct, IUnaryOperator
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} elements, the source {x.Length}.", nameof(destination));
        }
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
                TOp.Invoke(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ds, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ds, i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
                TOp.Invoke(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ds, i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i));
    }
}
