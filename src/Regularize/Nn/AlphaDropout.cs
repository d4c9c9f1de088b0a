using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Alpha dropout for self-normalising networks (Klambauer et al. 2017, "Self-Normalizing Neural Networks"), as
/// <c>torch.nn.AlphaDropout</c>: in training mode each element is set, with probability p, to SELU's negative
/// saturation α′ = −λα ≈ −1.7581 instead of 0, and the result is scaled and shifted so that zero mean and unit
/// variance are kept; in evaluation mode it is the identity.
/// </summary>
/// <remarks>
/// With a keep mask m ~ Bernoulli(1 − p), α′ = −1.7580993408473766 and a = ((1 − p)(1 + p·α′²))^(−1/2),
/// y = a·(m·x + (1 − m)·α′ + p·|α′|), which is how torch computes it. The masks come from this module's own <see cref="Rng"/>, seeded as
/// <see cref="Dropout"/>'s are.
/// </remarks>
public sealed class AlphaDropout : Module, IStochasticModule
{
    /// <summary>|α′| = λα of SELU, the magnitude of its negative saturation.</summary>
    public const double SeluSaturation = 1.7580993408473766;

    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">The probability of replacing an element, in [0, 1).</param>
    /// <param name="seed">The seed of the masks; null (the default) to draw one from <see cref="DefaultGenerator"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public AlphaDropout(double p = 0.5, ulong? seed = null)
    {
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"AlphaDropout probability p must be in [0, 1), was {p}.");
        }
        P = p;
        _rng = new Rng(DefaultGenerator.Resolve(seed));
    }

    /// <summary>The probability of replacing an element.</summary>
    public double P { get; }

    /// <summary>The state of the mask generator (see <see cref="Rng.GetState"/>), to save it in a checkpoint.</summary>
    public ulong[] GetRngState() => _rng.GetState();

    /// <summary>Restores the mask generator to a state captured by <see cref="GetRngState"/>: the next masks are the ones that followed it.</summary>
    /// <param name="state">The words of the state.</param>
    /// <exception cref="ArgumentException">The state is not a valid <see cref="Rng"/> state.</exception>
    public void SetRngState(ReadOnlySpan<ulong> state) => _rng.SetState(state);

    /// <inheritdoc/>
    protected override string Signature => $"AlphaDropout p={P}";

    /// <summary>In training mode applies a fresh mask as the remarks state; in evaluation mode (or with p = 0) returns the input itself.</summary>
    /// <param name="input">A tensor of any shape.</param>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsTraining || P == 0) return input;
        double a = 1.0 / Math.Sqrt((SeluSaturation * SeluSaturation * P + 1) * (1 - P));
        var scale = Tensor.Empty(input.Shape);
        var shift = Tensor.Empty(input.Shape);
        Span<float> s = scale.Span, b = shift.Span;
        float kept = (float)a, droppedShift = (float)(-SeluSaturation * a + SeluSaturation * a * P), keptShift = (float)(SeluSaturation * a * P);
        for (int i = 0; i < s.Length; i++)
        {
            bool keep = _rng.NextDouble() >= P;
            s[i] = keep ? kept : 0f;
            b[i] = keep ? keptShift : droppedShift;
        }
        return input * scale + shift;
    }
}
