using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Stochastic depth (Huang et al., 2016), as <c>torchvision.ops.StochasticDepth</c> and timm's <c>DropPath</c>: put at
/// the end of a residual branch, in training mode it zeroes the branch's whole output with probability p, for each
/// example on its own (<see cref="DropPathMode.Row"/>) or for the whole batch (<see cref="DropPathMode.Batch"/>), and
/// scales the kept outputs by 1/(1 − p), so the expected output equals the input; in evaluation mode (and for p = 0) it
/// is the identity.
/// </summary>
/// <remarks>
/// <para>Inside <c>Residual(Sequential(…, DropPath(p)))</c> a dropped example skips the block: y = x + 0 (the shortcut
/// alone), so training samples networks of random depth and evaluation uses the whole network, the way Dropout samples
/// and averages thinned networks.</para>
/// <para>In row mode the mask has shape <c>[N, 1, …, 1]</c>: one draw per example, in order, from this module's own
/// <see cref="Rng"/> (seeded in the constructor, from <see cref="DefaultGenerator"/> when no seed is given); batch mode
/// draws once per call. The same seed and the same sequence of calls give the same masks.</para>
/// </remarks>
public sealed class DropPath : Module, IStochasticModule
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="p">The probability of dropping the branch, in [0, 1] (1 always drops it, as torchvision allows).</param>
    /// <param name="mode">Whether to draw per example (the default) or once for the batch.</param>
    /// <param name="seed">The seed of the masks; null (the default) to draw one from <see cref="DefaultGenerator"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1], or <paramref name="mode"/> is not a defined value.</exception>
    public DropPath(double p = 0.1, DropPathMode mode = DropPathMode.Row, ulong? seed = null)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"DropPath probability p must be in [0, 1], was {p}.");
        }
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"DropPath mode must be Row or Batch, was {(int)mode}.");
        P = p;
        Mode = mode;
        _rng = new Rng(DefaultGenerator.Resolve(seed));
    }

    /// <summary>The probability of dropping the branch.</summary>
    public double P { get; }

    /// <summary>Whether each example is dropped on its own or the whole batch at once.</summary>
    public DropPathMode Mode { get; }

    /// <summary>The state of the mask generator (see <see cref="Rng.GetState"/>), to save it in a checkpoint.</summary>
    public ulong[] GetRngState() => _rng.GetState();

    /// <summary>Restores the mask generator to a state captured by <see cref="GetRngState"/>: the next masks are the ones that followed it.</summary>
    /// <param name="state">The words of the state.</param>
    /// <exception cref="ArgumentException">The state is not a valid <see cref="Rng"/> state.</exception>
    public void SetRngState(ReadOnlySpan<ulong> state) => _rng.SetState(state);

    /// <inheritdoc/>
    protected override string Signature => $"DropPath p={P} {(Mode == DropPathMode.Row ? "row" : "batch")}";

    /// <summary>
    /// In training mode, multiplies the input by a fresh mask of 0 and 1/(1 − p) (0 alone when p = 1), of shape
    /// <c>[N, 1, …, 1]</c> in row mode and <c>[1, …, 1]</c> in batch mode; in evaluation mode (or with p = 0) returns the
    /// input itself.
    /// </summary>
    /// <param name="input">A batch <c>[N, …]</c> of any rank from 1.</param>
    /// <exception cref="ArgumentException">The input is a scalar (rank 0): there is no batch axis.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1) throw InputError(input, "is a scalar; DropPath needs a batch axis [N, ...]");
        if (!IsTraining || P == 0) return input;
        var dims = new int[input.Rank];
        Array.Fill(dims, 1);
        if (Mode == DropPathMode.Row) dims[0] = input.Shape[0];
        var mask = Tensor.Empty(new Shape(dims)); // pooled inside a TensorScope; every element is written below
        float keep = P < 1 ? (float)(1.0 / (1.0 - P)) : 0f;
        var m = mask.Span;
        for (int i = 0; i < m.Length; i++) m[i] = _rng.NextDouble() < P ? 0f : keep;
        return input * mask;
    }
}
