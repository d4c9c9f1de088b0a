using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>Flattens all axes but the first, <c>[N, d1, d2, ...]</c> → <c>[N, d1·d2·…]</c>, as <c>torch.nn.Flatten()</c> with its defaults.</summary>
public sealed class Flatten : Module
{
    /// <summary>Reshapes the input to <c>[N, rest]</c>; a 2-D input is returned as it is.</summary>
    /// <param name="input">A tensor of rank 2 or more.</param>
    /// <exception cref="ArgumentException">The input has rank below 2 (as in PyTorch, there is no axis 1 to flatten from).</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2) throw InputError(input, $"has rank {input.Rank}, expected a batch [N, d1, ...] of rank 2 or more");
        if (input.Rank == 2) return input;
        return input.Reshape(input.Shape[0], input.Length / input.Shape[0]);
    }
}
