using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// The process-wide seed source that layers use when they are built without an explicit <c>seed</c>, as
/// <c>torch.manual_seed</c> seeds PyTorch's default generator.
/// </summary>
/// <remarks>
/// <para>Every layer built without a seed takes the next 64-bit value <see cref="NextSeed"/> of one <see cref="Rng"/>:
/// two layers of the same shape therefore start with different weights, and a program that calls
/// <see cref="ManualSeed"/> once and then builds its model in the same order gets the same weights every run.
/// Without a call, the generator starts from seed 0 when the process starts.</para>
/// <para>An explicit <c>seed:</c> argument does not touch this generator and gives the same weights as before, whatever
/// was built earlier. Layers built on several threads at once draw in an unspecified order; give them explicit seeds
/// (or build them on one thread) when that order matters.</para>
/// </remarks>
public static class DefaultGenerator
{
    private static readonly Lock s_lock = new();
    private static readonly Rng s_rng = new(0);
    private static ulong s_initialSeed;

    /// <summary>The seed given to the last <see cref="ManualSeed"/> (0 before any call).</summary>
    public static ulong InitialSeed
    {
        get
        {
            lock (s_lock) return s_initialSeed;
        }
    }

    /// <summary>Restarts the generator from <paramref name="seed"/>: the layers built afterwards without a seed get the
    /// same weights as after any other call with this seed.</summary>
    /// <param name="seed">The seed.</param>
    public static void ManualSeed(ulong seed)
    {
        var fresh = new Rng(seed).GetState();
        lock (s_lock)
        {
            s_rng.SetState(fresh);
            s_initialSeed = seed;
        }
    }

    /// <summary>Draws the seed for the next layer built without one.</summary>
    public static ulong NextSeed()
    {
        lock (s_lock) return s_rng.NextUInt64();
    }

    /// <summary><paramref name="seed"/> if given, otherwise <see cref="NextSeed"/>.</summary>
    /// <param name="seed">An explicit seed, or null.</param>
    public static ulong Resolve(ulong? seed) => seed ?? NextSeed();
}
