using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// Each rule's vector form at 4, 8 and 16 lanes, run directly (accelerated or, where the machine lacks the
/// width, in software), against its scalar form, bit for bit, for every length 0..256, with the decay and L1
/// pieces around it. The scalar form is the oracle; the PyTorch parity tests pin the scalar form down.
/// </summary>
[Category("Kernels")]
public class FusedLoopTests
{
    private static readonly LoopPieces Pieces = new() { GradSign = -1f, Lambda = 0.05f, DecayFactor = 0.999f, L1 = 0.01f, L1Threshold = 1e-3f };

    [Test]
    public void SgdRulesMatchTheScalarFormAtEveryWidth()
    {
        Check<Sgd.Rule<Off, Off>, NoWeightDecay, NoL1>(new(-0.1f, 0, 0, 0));
        Check<Sgd.Rule<On, Off>, CoupledL2, L1Proximal>(new(-0.1f, 0.9f, 0.8f, 0.9f));
        Check<Sgd.Rule<On, On>, DecoupledDecay, L1Subgradient>(new(-0.05f, 0.9f, 1f, 0.9f));
        Check<Sgd.Rule<On, Off>, DecoupledDecay, L1Proximal>(new(-0.1f, 0f, 1f, 0.9f));
    }

    [Test]
    public void AdamRulesMatchTheScalarFormAtEveryWidth()
    {
        Check<Adam.Rule<Off>, CoupledL2, NoL1>(new(0.9f, 0.1f, 0.999f, 0.001f, 0.0316f, 1e-8f, -1e-2f));
        Check<Adam.Rule<On>, DecoupledDecay, L1Proximal>(new(0.8f, 0.2f, 0.99f, 0.01f, 0.141f, 1e-6f, -1e-2f));
        Check<Adam.Rule<Off>, NoWeightDecay, L1Subgradient>(new(0.9f, 0.1f, 0.999f, 0.001f, 1f, 1e-8f, -3e-3f));
    }

    [Test]
    public void LionAndLambMatchTheScalarFormAtEveryWidth()
    {
        Check<Lion.Rule, DecoupledDecay, L1Proximal>(new(0.9f, 0.1f, 0.99f, 0.01f, -1e-3f));
        Check<Lamb.Rule, NoWeightDecay, NoL1>(new(0.9f, 0.1f, 0.999f, 0.001f, 0.1f, 0.001f, 1e-6f, 0.01f, 1e-3, true, -2e-3f));
    }

    [Test]
    public void LambReduceGivesTheSameSumsAtEveryWidth()
    {
        var rule = new Lamb.Rule(0.9f, 0.1f, 0.999f, 0.001f, 0.1f, 0.001f, 1e-6f, 0.01f, 1e-3, true, 0f);
        for (int n = 0; n <= 256; n++)
        {
            var s = Inputs(n);
            var expected = FusedLoop.Reduce<Lamb.Rule, CoupledL2, NoL1>(rule, Pieces, ref s[0][0], ref s[1][0], ref s[2][0], ref s[3][0], ref s[4][0], ref s[5][0], (nuint)n, scalarOnly: true);
            var a = Inputs(n);
            Assert.That(FusedLoop.ReduceWidth<F32x4, Lamb.Rule, CoupledL2, NoL1>(rule, Pieces, ref a[0][0], ref a[1][0], ref a[2][0], ref a[3][0], ref a[4][0], ref a[5][0], (nuint)n), Is.EqualTo(expected), $"n={n}, 4 lanes");
            Same(n, "4 lanes", s, a);
            var b = Inputs(n);
            Assert.That(FusedLoop.ReduceWidth<F32x8, Lamb.Rule, CoupledL2, NoL1>(rule, Pieces, ref b[0][0], ref b[1][0], ref b[2][0], ref b[3][0], ref b[4][0], ref b[5][0], (nuint)n), Is.EqualTo(expected), $"n={n}, 8 lanes");
            var c = Inputs(n);
            Assert.That(FusedLoop.ReduceWidth<F32x16, Lamb.Rule, CoupledL2, NoL1>(rule, Pieces, ref c[0][0], ref c[1][0], ref c[2][0], ref c[3][0], ref c[4][0], ref c[5][0], (nuint)n), Is.EqualTo(expected), $"n={n}, 16 lanes");
            double theta2 = 0;
            for (int i = 0; i < n; i++) theta2 += (double)s[0][i] * s[0][i];
            Assert.That(expected.A, Is.EqualTo(theta2).Within(1e-12 * Math.Max(1, theta2)), "Σθ²");
        }
    }

    internal static void Check<TRule, TDecay, TL1>(TRule rule) where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (int n = 0; n <= 256; n++)
        {
            var expected = Inputs(n);
            Run(expected, (ref float th, ref float g, ref float a, ref float b, ref float c, ref float d, nuint len) =>
                FusedLoop.Run<TRule, TDecay, TL1>(rule, Pieces, ref th, ref g, ref a, ref b, ref c, ref d, len, scalarOnly: true));
            Same(n, "4 lanes", expected, Width<F32x4, TRule, TDecay, TL1>(rule, n));
            Same(n, "8 lanes", expected, Width<F32x8, TRule, TDecay, TL1>(rule, n));
            Same(n, "16 lanes", expected, Width<F32x16, TRule, TDecay, TL1>(rule, n));
        }
    }

    private static float[][] Width<TVec, TRule, TDecay, TL1>(TRule rule, int n)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        var arrays = Inputs(n);
        Run(arrays, (ref float th, ref float g, ref float a, ref float b, ref float c, ref float d, nuint len) =>
            FusedLoop.RunWidth<TVec, TRule, TDecay, TL1>(rule, Pieces, ref th, ref g, ref a, ref b, ref c, ref d, len));
        return arrays;
    }

    private delegate void Loop(ref float theta, ref float grad, ref float s0, ref float s1, ref float s2, ref float s3, nuint n);

    /// <summary>θ, g and four slots, one padding element each so that n = 0 still has an element to point at; two steps.</summary>
    private static void Run(float[][] a, Loop loop)
    {
        int n = a[0].Length - 1;
        for (int step = 0; step < 2; step++) loop(ref a[0][0], ref a[1][0], ref a[2][0], ref a[3][0], ref a[4][0], ref a[5][0], (nuint)n);
    }

    private static float[][] Inputs(int n)
    {
        var arrays = new float[6][];
        for (int k = 0; k < 6; k++)
        {
            arrays[k] = Tensor.RandomNormal([n + 1], 0f, 1f, seed: (ulong)(31 * n + k)).ToArray();
            if (k >= 3) for (int i = 0; i < arrays[k].Length; i++) arrays[k][i] = MathF.Abs(arrays[k][i]); // v, vMax ≥ 0
        }
        if (n > 3) { arrays[0][2] = 0f; arrays[1][1] = 0f; } // sign(0) and the soft threshold at 0
        return arrays;
    }

    private static void Same(int n, string what, float[][] expected, float[][] actual)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            for (int i = 0; i < expected[k].Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[k][i]) != BitConverter.SingleToInt32Bits(actual[k][i]))
                    Assert.Fail($"n={n}, {what}, array {k}[{i}]: vector {actual[k][i]:R}, scalar {expected[k][i]:R}");
            }
        }
    }
}
