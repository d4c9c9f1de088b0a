using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// Unfolds the features of each example into a shape, <c>[N, d]</c> → <c>[N, s1, s2, …]</c> with s1·s2·… = d, as
/// <c>torch.nn.Unflatten(1, sizes)</c>: for example flat 784-pixel images into <c>[N, 1, 28, 28]</c> for a CNN. A view
/// (no copy); the gradient is reshaped back.
/// </summary>
public sealed class Unflatten : Module
{
    private readonly int[] _sizes;

    /// <summary>Creates the layer.</summary>
    /// <param name="sizes">The shape of one example; every size positive.</param>
    /// <exception cref="ArgumentException">No sizes, or a size below 1.</exception>
    public Unflatten(params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length == 0 || sizes.Any(s => s < 1))
        {
            throw new ArgumentException($"Unflatten: the sizes must be positive and at least one, were [{string.Join(",", sizes)}].", nameof(sizes));
        }
        _sizes = (int[])sizes.Clone();
    }

    /// <summary>The shape of one example after the layer.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <inheritdoc/>
    protected override string Signature => $"Unflatten [{string.Join(",", _sizes)}]";

    /// <summary>Reshapes <c>[N, d]</c> to <c>[N, sizes…]</c>.</summary>
    /// <param name="input">A batch whose examples hold ∏ sizes values.</param>
    /// <exception cref="ArgumentException">The examples hold another number of values.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 1) throw InputError(input, "has rank 0, expected a batch [N, ...]");
        int n = input.Shape[0];
        long per = 1;
        foreach (int s in _sizes) per *= s;
        if (n == 0 || input.Length / n != per || (long)n * per != input.Length)
        {
            throw InputError(input, $"holds {(n == 0 ? 0 : input.Length / n)} values per example, expected {per} for [{string.Join(",", _sizes)}]");
        }
        return input.Reshape([n, .. _sizes]);
    }
}
