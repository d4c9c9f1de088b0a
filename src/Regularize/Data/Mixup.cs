using Regularize.Tensors;

namespace Regularize.Data;

/// <summary>
/// mixup (Zhang, Cisse, Dauphin and Lopez-Paz 2018, "mixup: Beyond Empirical Risk Minimization"): each example is
/// blended with another of the batch, x̃ᵢ = λ·xᵢ + (1 − λ)·x_π(i), and its target the same way,
/// ỹᵢ = λ·yᵢ + (1 − λ)·y_π(i), with one λ ~ Beta(α, α) per batch and a random permutation π.
/// </summary>
/// <remarks>Train on the mixed batch with cross-entropy against probabilities
/// (<see cref="Nn.Losses.CrossEntropy(Tensor, Tensor, Nn.Reduction, double)"/>). The paper uses α from 0.1 to 0.4 on
/// ImageNet and 1 on CIFAR-10; the default here is 0.2.</remarks>
public sealed class Mixup : BatchMixer
{
    /// <summary>Creates the mixer.</summary>
    /// <param name="classCount">The number of classes; positive.</param>
    /// <param name="alpha">α of Beta(α, α); positive and finite. 0.2 by default.</param>
    /// <param name="seed">The seed of λ and π.</param>
    /// <exception cref="ArgumentOutOfRangeException">α or the class count is out of range.</exception>
    public Mixup(int classCount, double alpha = 0.2, ulong seed = 0) : base(alpha, classCount, seed)
    {
    }

    /// <inheritdoc/>
    protected override double MixInputs(ReadOnlySpan<float> source, Span<float> destination, int count, double lambda,
        ReadOnlySpan<int> permutation, Rng rng)
    {
        int d = source.Length / count;
        float a = (float)lambda, b = (float)(1 - lambda);
        for (int i = 0; i < count; i++)
        {
            var x = source.Slice(i * d, d);
            var other = source.Slice(permutation[i] * d, d);
            var y = destination.Slice(i * d, d);
            for (int k = 0; k < d; k++) y[k] = a * x[k] + b * other[k];
        }
        return lambda;
    }
}
