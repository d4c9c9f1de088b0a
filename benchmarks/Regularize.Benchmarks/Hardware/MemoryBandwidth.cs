using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Regularize.Optimizers.Kernels;

namespace Regularize.Benchmarks.Hardware;

/// <summary>
/// A memory-bandwidth probe that moves the bytes an optimizer step moves, so a step can be reported
/// as a fraction of what this machine sustains in the same process. <see cref="Adam"/> reads four arrays
/// and writes three of them back in place (AdamW: θ, g, m, v in; θ, m, v out: 7 × 4 bytes per element);
/// <see cref="Momentum"/> reads three and writes two (SGD with momentum: θ, g, b in; θ, b out: 5 × 4 bytes).
/// A plain Vector256/Vector512 loop, split into equal contiguous ranges over <c>threads</c> threads.
/// </summary>
/// <see cref="Streams"/> moves any other pattern (an optimizer's <see cref="Optimizers.StepTraffic"/>): it reads
/// <c>reads</c> arrays and writes the first <c>writes</c> of them back, in one pass.
public sealed class MemoryBandwidth
{
    private readonly float[] _a, _b, _c, _d;
    private readonly int _offA, _offB, _offC, _offD;
    private readonly (float[] Array, int Offset)[] _streams;

    /// <summary>The most arrays <see cref="Streams"/> can read in one pass.</summary>
    public const int MaxStreams = 8;

    /// <summary>
    /// Allocates four arrays of <paramref name="length"/> floats. Each starts at a different offset
    /// (k × 1040 floats) so the four streams do not share cache sets: fresh GC arrays are aligned alike,
    /// which at 64M elements costs this loop more than 4× (see docs/benchmarks.md).
    /// </summary>
    /// <param name="length">Floats per array.</param>
    /// <param name="streams">How many arrays to allocate (at least 4; <see cref="Streams"/> reads at most this many).</param>
    public MemoryBandwidth(int length, int streams = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streams, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(streams, MaxStreams);
        Length = length;
        (_a, _offA) = Fill(length, 1f, 0);
        (_b, _offB) = Fill(length, 1e-7f, 1);
        (_c, _offC) = Fill(length, 2f, 2);
        (_d, _offD) = Fill(length, 3f, 3);
        _streams = new (float[], int)[streams];
        _streams[0] = (_a, _offA);
        _streams[1] = (_c, _offC);
        _streams[2] = (_d, _offD);
        _streams[3] = (_b, _offB);
        for (int k = 4; k < streams; k++) _streams[k] = Fill(length, 1e-7f, k);
    }

    /// <summary>The number of elements per array.</summary>
    public int Length { get; }

    private static (float[], int) Fill(int n, float v, int lane)
    {
        int offset = lane * 1040;
        var x = GC.AllocateUninitializedArray<float>(n + offset, pinned: true);
        x.AsSpan().Fill(v);
        return (x, offset);
    }

    /// <summary>Reads a, b, c, d and writes a, c, d (a += b; c += b; d += b): the bytes of an Adam/AdamW step.</summary>
    public void Adam(int threads) => Split(threads, static (self, start, count) => self.AddStreams<On>(start, count));

    /// <summary>Reads a, b, c and writes a, c: the bytes of an SGD-with-momentum step.</summary>
    public void Momentum(int threads) => Split(threads, static (self, start, count) => self.AddStreams<Off>(start, count));

    /// <summary>
    /// One pass reading <paramref name="reads"/> arrays and writing the first <paramref name="writes"/> of them back:
    /// x = the sum of the read-only arrays, then sⱼ += x for each written array, one vector of every array at a time.
    /// (4, 3) moves the bytes of <see cref="Adam"/>, (3, 2) those of <see cref="Momentum"/>.
    /// </summary>
    /// <param name="reads">Arrays read (1 ≤ reads ≤ the count given to the constructor).</param>
    /// <param name="writes">Of those, how many are written back (0 ≤ writes &lt; reads).</param>
    /// <param name="threads">Threads, each on an equal contiguous range.</param>
    public void Streams(int reads, int writes, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reads, _streams.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(writes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(writes, reads);
        if (threads <= 1) { StreamRange(reads, writes, 0, Length); return; }
        int per = (Length / threads + 15) & ~15;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = Math.Min(t * per, Length);
            int end = t == threads - 1 ? Length : Math.Min(start + per, Length);
            StreamRange(reads, writes, start, end - start);
        });
    }

    /// <summary>
    /// x = the sum of the read-only arrays (reads − writes of them; 0 if none), then sⱼ += x for each written array, one
    /// vector at a time over all arrays, so every array is streamed once. The arrays are pinned, so raw pointers stay valid.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void StreamRange(int reads, int writes, int start, int count)
    {
        float** p = stackalloc float*[MaxStreams];
        for (int k = 0; k < reads; k++) p[k] = (float*)Unsafe.AsPointer(ref _streams[k].Array[_streams[k].Offset + start]);
        nuint i = 0, n = (nuint)count;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512<float>.Zero;
                for (int k = writes; k < reads; k++) x += Vector512.Load(p[k] + i);
                for (int k = 0; k < writes; k++) (Vector512.Load(p[k] + i) + x).Store(p[k] + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256<float>.Zero;
                for (int k = writes; k < reads; k++) x += Vector256.Load(p[k] + i);
                for (int k = 0; k < writes; k++) (Vector256.Load(p[k] + i) + x).Store(p[k] + i);
            }
        }
        for (; i < n; i++)
        {
            float x = 0;
            for (int k = writes; k < reads; k++) x += p[k][i];
            for (int k = 0; k < writes; k++) p[k][i] += x;
        }
    }

    private void Split(int threads, Action<MemoryBandwidth, int, int> body)
    {
        if (threads <= 1) { body(this, 0, Length); return; }
        int per = (Length / threads + 15) & ~15;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = Math.Min(t * per, Length);
            int end = t == threads - 1 ? Length : Math.Min(start + per, Length);
            body(this, start, end - start);
        });
    }

    /// <summary>
    /// a += b; c += b; and d += b when <typeparamref name="TFourth"/> is on. The switch is a zero-size struct the
    /// JIT folds to a constant, so each instantiation is a loop with no test per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddStreams<TFourth>(int start, int count) where TFourth : struct, ISwitch
    {
        ref float a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_a), _offA + start);
        ref float b = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_b), _offB + start);
        ref float c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_c), _offC + start);
        ref float d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), _offD + start);
        nuint i = 0, n = (nuint)count;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref b, i);
                (Vector512.LoadUnsafe(ref a, i) + g).StoreUnsafe(ref a, i);
                (Vector512.LoadUnsafe(ref c, i) + g).StoreUnsafe(ref c, i);
                if (TFourth.Enabled) (Vector512.LoadUnsafe(ref d, i) + g).StoreUnsafe(ref d, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref b, i);
                (Vector256.LoadUnsafe(ref a, i) + g).StoreUnsafe(ref a, i);
                (Vector256.LoadUnsafe(ref c, i) + g).StoreUnsafe(ref c, i);
                if (TFourth.Enabled) (Vector256.LoadUnsafe(ref d, i) + g).StoreUnsafe(ref d, i);
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref b, i);
            Unsafe.Add(ref a, i) += g;
            Unsafe.Add(ref c, i) += g;
            if (TFourth.Enabled) Unsafe.Add(ref d, i) += g;
        }
    }
}
