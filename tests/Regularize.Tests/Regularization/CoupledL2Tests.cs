using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Regularization;

/// <summary>
/// The coupled-L2 piece forms g + λθ as PyTorch 1.13's <c>grad.add(param, alpha=λ)</c> does on the CPU: one fused
/// multiply-add, fma(λ, θ, g), rounded once (Fixtures/optim_family/check_coupled_decay.py shows it on torch), in the
/// scalar form and at every vector width.
/// </summary>
[Category("Kernels")]
public class CoupledL2Tests
{
    private const float Lambda = 0.1f;

    private static (float[] Theta, float[] Grad) Inputs(int n, ulong seed) =>
        (Tensor.RandomNormal([Math.Max(n, 1)], 0f, 1f, seed).ToArray()[..n], Tensor.RandomNormal([Math.Max(n, 1)], 0f, 1f, seed + 1).ToArray()[..n]);

    [Test]
    public void TheScalarFormRoundsOnceWhereTwoRoundingsWouldDiffer()
    {
        var (theta, g) = Inputs(4096, 7);
        int differ = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            float fused = MathF.FusedMultiplyAdd(Lambda, theta[i], g[i]);
            float product = Lambda * theta[i];
            float twice = g[i] + product;
            Assert.That(BitConverter.SingleToInt32Bits(CoupledL2.Gradient(g[i], theta[i], Lambda)), Is.EqualTo(BitConverter.SingleToInt32Bits(fused)),
                $"element {i}: θ {theta[i]:R}, g {g[i]:R}");
            if (fused != twice) differ++;
        }
        // About one element in ten rounds differently, so this test tells the two forms apart.
        Assert.That(differ, Is.GreaterThan(100), "inputs where fma(λ, θ, g) and g + round(λθ) differ");
    }

    [Test]
    public void EveryWidthGivesTheScalarFormsBits()
    {
        for (int n = 0; n <= 256; n++)
        {
            var (theta, g) = Inputs(n, (ulong)(100 + n));
            var expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = CoupledL2.Gradient(g[i], theta[i], Lambda);
            Assert.That(Width<F32x4>(theta, g), Is.EqualTo(expected), $"n={n}, 4 lanes");
            Assert.That(Width<F32x8>(theta, g), Is.EqualTo(expected), $"n={n}, 8 lanes");
            Assert.That(Width<F32x16>(theta, g), Is.EqualTo(expected), $"n={n}, 16 lanes");
        }
    }

    /// <summary>The vector form over whole vectors, the scalar form on the tail, as the fused loop walks.</summary>
    private static float[] Width<TVec>(float[] theta, float[] grad) where TVec : struct, IFloatVector<TVec>
    {
        var result = (float[])grad.Clone();
        var lambda = TVec.Create(Lambda);
        int i = 0;
        for (; i + TVec.Count <= theta.Length; i += TVec.Count)
            TVec.Store(CoupledL2.Gradient(TVec.Load(ref result[0], (nuint)i), TVec.Load(ref theta[0], (nuint)i), lambda), ref result[0], (nuint)i);
        for (; i < theta.Length; i++) result[i] = CoupledL2.Gradient(result[i], theta[i], Lambda);
        return result;
    }
}
