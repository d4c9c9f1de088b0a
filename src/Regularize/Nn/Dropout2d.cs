using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Channel dropout, as <c>torch.nn.Dropout2d</c>: in training mode each whole channel x[n, c] of an
/// <c>[N, C, H, W]</c> batch is zeroed with probability p and the kept channels are scaled by 1/(1 − p); in evaluation
/// mode it is the identity. Neighbouring pixels of a feature map are strongly correlated, so dropping single
/// pixels (as <see cref="Dropout"/> does) regularises convolutional features little; dropping whole maps does.
/// </summary>
/// <remarks>
/// The masks come from this module's own <see cref="Rng"/>, seeded in the constructor (from <see cref="DefaultGenerator"/>
/// when no seed is given, so two layers built without a seed draw different masks), one draw per (n, c) in order: the
/// same seed and the same sequence of calls give the same masks.
/// </remarks>
public sealed class Dropout2d : Module, IStochasticModule
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">The probability of zeroing a channel, in [0, 1).</param>
    /// <param name="seed">The seed of the masks; null (the default) to draw one from <see cref="DefaultGenerator"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public Dropout2d(double p = 0.5, ulong? seed = null)
    {
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout2d probability p must be in [0, 1), was {p}.");
        }
        P = p;
        _rng = new Rng(DefaultGenerator.Resolve(seed));
    }

    /// <summary>The probability of zeroing a channel.</summary>
    public double P { get; }

    /// <summary>The state of the mask generator (see <see cref="Rng.GetState"/>), to save it in a checkpoint.</summary>
    public ulong[] GetRngState() => _rng.GetState();

    /// <summary>Restores the mask generator to a state captured by <see cref="GetRngState"/>.</summary>
    /// <param name="state">The words of the state.</param>
    /// <exception cref="ArgumentException">The state is not a valid <see cref="Rng"/> state.</exception>
    public void SetRngState(ReadOnlySpan<ulong> state) => _rng.SetState(state);

    /// <inheritdoc/>
    protected override string Signature => $"Dropout2d p={P}";

    /// <summary>In training mode, multiplies each channel by 0 or 1/(1 − p); in evaluation mode (or with p = 0) returns the input itself.</summary>
    /// <param name="input">A batch <c>[N, C, H, W]</c>.</param>
    /// <exception cref="ArgumentException">The input has rank below 3.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 3) throw InputError(input, $"has rank {input.Rank}, expected [N,C,H,W]");
        return Tensor.Dropout2d(input, P, _rng, IsTraining);
    }
}
