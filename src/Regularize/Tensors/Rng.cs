namespace Regularize.Tensors;

/// <summary>
/// A small, seeded, portable random number generator (xoshiro256** seeded through SplitMix64).
/// Integer arithmetic only, so a seed gives the same stream on every machine and runtime.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// The generator's state, to save and restore it exactly: the four xoshiro words, then a flag word (1 when a
    /// second normal sample from <see cref="NextNormal"/> is cached) and that sample's bits.
    /// </summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _hasSpare ? 1UL : 0UL, (ulong)BitConverter.DoubleToInt64Bits(_spare)];

    /// <summary>Restores a state captured by <see cref="GetState"/> (six words), or the four xoshiro words alone (no cached normal sample).</summary>
    /// <exception cref="ArgumentException">The state does not have four or six words, its first four are all zero, or its flag word is not 0 or 1.</exception>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length is not (4 or 6) || (state[0] | state[1] | state[2] | state[3]) == 0 || (state.Length == 6 && state[4] > 1))
        {
            throw new ArgumentException("An Rng state is four 64-bit words, not all zero, optionally followed by a 0/1 flag and a cached normal sample.", nameof(state));
        }
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _hasSpare = state.Length == 6 && state[4] == 1;
        _spare = state.Length == 6 ? BitConverter.Int64BitsToDouble((long)state[5]) : 0;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer uniform on [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 m = (UInt128)r * bound;
            if ((ulong)m >= threshold) return (int)(m >> 64);
        }
    }

    /// <summary>A standard normal sample (Marsaglia's polar method, in double).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * f;
        _hasSpare = true;
        return u * f;
    }

    private double _spare;
    private bool _hasSpare;

    /// <summary>Fills <paramref name="destination"/> with N(mean, std²) samples.</summary>
    public void FillNormal(Span<float> destination, float mean, float std)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)(mean + std * NextNormal());
    }

    /// <summary>Fills <paramref name="destination"/> with samples uniform on [low, high).</summary>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        double width = (double)high - low;
        for (int i = 0; i < destination.Length; i++)
        {
            float x = (float)(low + width * NextDouble());
            destination[i] = x < high ? x : low; // rounding to float can reach high; keep the interval half-open
        }
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
