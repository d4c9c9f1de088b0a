using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Inverted dropout, as <c>torch.nn.Dropout</c>: in training mode each element is zeroed with probability
/// p and the survivors are scaled by 1/(1 − p), so the expected output equals the input; in evaluation mode
/// it is the identity.
/// </summary>
/// <remarks>
/// The masks come from this module's own <see cref="Rng"/>, seeded in the constructor (from <see cref="DefaultGenerator"/>
/// when no seed is given): the same seed and the
/// same sequence of calls give the same masks. Each training-mode call draws a fresh mask.
/// </remarks>
public sealed class Dropout : Module, IStochasticModule
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">The probability of zeroing an element, in [0, 1).</param>
    /// <param name="seed">The seed of the masks; null (the default) to draw one from <see cref="DefaultGenerator"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public Dropout(double p = 0.5, ulong? seed = null)
    {
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout probability p must be in [0, 1), was {p}.");
        }
        P = p;
        _rng = new Rng(DefaultGenerator.Resolve(seed));
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>The state of the mask generator (see <see cref="Rng.GetState"/>), to save it in a checkpoint.</summary>
    public ulong[] GetRngState() => _rng.GetState();

    /// <summary>Restores the mask generator to a state captured by <see cref="GetRngState"/>: the next masks are the ones that followed it.</summary>
    /// <param name="state">The words of the state.</param>
    /// <exception cref="ArgumentException">The state is not a valid <see cref="Rng"/> state.</exception>
    public void SetRngState(ReadOnlySpan<ulong> state) => _rng.SetState(state);

    /// <inheritdoc/>
    protected override string Signature => $"Dropout p={P}";

    /// <summary>In training mode, multiplies the input by a fresh mask of 0 and 1/(1 − p); in evaluation mode (or with p = 0) returns the input itself.</summary>
    /// <param name="input">A tensor of any shape.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsTraining || P == 0) return input;
        var mask = Tensor.Empty(input.Shape); // pooled inside a TensorScope; every element is written below
        float keep = (float)(1.0 / (1.0 - P));
        var m = mask.Span;
        for (int i = 0; i < m.Length; i++) m[i] = _rng.NextDouble() < P ? 0f : keep;
        return input * mask;
    }
}
