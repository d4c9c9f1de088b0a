namespace Regularize.Nn;

/// <summary>
/// A module whose forward pass draws from a random generator of its own (<see cref="Dropout"/>, <see cref="Dropout2d"/>,
/// <see cref="AlphaDropout"/>, <see cref="DropPath"/>). A training checkpoint saves and restores that generator for every module of the model
/// that implements this interface, so a resumed run draws the same masks as one that never stopped.
/// </summary>
/// <remarks>
/// The state is the words of an <see cref="Tensors.Rng"/> as <see cref="Tensors.Rng.GetState"/> returns them (six: the
/// four xoshiro words, a 0/1 flag and a cached normal sample). A module of your own that keeps an <see cref="Tensors.Rng"/>
/// implements the two members by forwarding to <see cref="Tensors.Rng.GetState"/> and <see cref="Tensors.Rng.SetState"/>.
/// </remarks>
public interface IStochasticModule
{
    /// <summary>The state of the module's generator (<see cref="Tensors.Rng.GetState"/>), to save it in a checkpoint.</summary>
    ulong[] GetRngState();

    /// <summary>Restores the module's generator to a state captured by <see cref="GetRngState"/>: the next draws are the ones that followed it.</summary>
    /// <param name="state">The words of the state.</param>
    /// <exception cref="ArgumentException">The state is not a valid <see cref="Tensors.Rng"/> state.</exception>
    void SetRngState(ReadOnlySpan<ulong> state);
}
