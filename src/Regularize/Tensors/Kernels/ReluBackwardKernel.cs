using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Regularize.Tensors.Kernels;

/// <summary>The ReLU derivative rule as one pass: <c>dx[i] = y[i] &gt; 0 ? g[i] : 0</c>, widest vector first.</summary>
public static class ReluBackwardKernel
{
    /// <summary>The scalar definition.</summary>
    public static float Invoke(float y, float g) => y > 0 ? g : 0f;

    /// <summary><c>destination[i] = y[i] &gt; 0 ? g[i] : 0</c>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Invoke(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> destination)
    {
        if (y.Length != g.Length || destination.Length != y.Length)
        {
            throw new ArgumentException($"ReluBackward: lengths {y.Length}, {g.Length} and {destination.Length} differ.");
        }
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                var mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref ys, i), Vector512<float>.Zero);
                (Vector512.LoadUnsafe(ref gs, i) & mask).StoreUnsafe(ref ds, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ys, i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref gs, i) & mask).StoreUnsafe(ref ds, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                var mask = Vector128.GreaterThan(Vector128.LoadUnsafe(ref ys, i), Vector128<float>.Zero);
                (Vector128.LoadUnsafe(ref gs, i) & mask).StoreUnsafe(ref ds, i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = Invoke(Unsafe.Add(ref ys, i), Unsafe.Add(ref gs, i));
    }
}
