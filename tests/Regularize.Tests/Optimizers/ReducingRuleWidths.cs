using Regularize.Optimizers;
using Regularize.Optimizers.Kernels;
using Regularize.Regularization;
using Regularize.Tensors;
using Regularize.Tensors.Kernels;

namespace Regularize.Tests.Optimizers;

/// <summary>
/// Runs a reducing rule's reduce phase, <c>Complete</c> and update phase at 4, 8 and 16 lanes (accelerated or in
/// software) against its scalar form, bit for bit, for lengths 0..256: the same sums and the same θ and slots.
/// A test helper for the [Category("Kernels")] tests of Lars, ScheduleFreeAdamW and Adafactor.
/// </summary>
internal static class ReducingRuleWidths
{
    /// <summary>Maximize, coupled λ, decoupled shrink and L1 around the rule (each piece uses only its own fields).</summary>
    public static readonly LoopPieces Pieces = new() { GradSign = -1f, Lambda = 0.05f, DecayFactor = 0.999f, L1 = 0.01f, L1Threshold = 1e-3f };

    /// <summary>Checks a reducing rule; <paramref name="ruleFor"/> gives the rule for a length (and the element offset it starts at).</summary>
    public static void Check<TRule, TDecay, TL1>(Func<int, TRule> ruleFor, nuint offset = 0)
        where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (int n = 0; n <= 256; n++)
        {
            var rule = ruleFor(n);
            var expected = Inputs(n);
            var sums = FusedLoop.Reduce<TRule, TDecay, TL1>(rule, Pieces, ref expected[0][0], ref expected[1][0], ref expected[2][0], ref expected[3][0],
                ref expected[4][0], ref expected[5][0], (nuint)n, scalarOnly: true, offset);
            var done = TRule.Complete(rule, sums.A, sums.B);
            FusedLoop.Run<TRule, TDecay, TL1>(done, Pieces, ref expected[0][0], ref expected[1][0], ref expected[2][0], ref expected[3][0],
                ref expected[4][0], ref expected[5][0], (nuint)n, scalarOnly: true, offset);
            Same(n, "4 lanes", expected, Width<F32x4, TRule, TDecay, TL1>(rule, n, sums, offset));
            Same(n, "8 lanes", expected, Width<F32x8, TRule, TDecay, TL1>(rule, n, sums, offset));
            Same(n, "16 lanes", expected, Width<F32x16, TRule, TDecay, TL1>(rule, n, sums, offset));
        }
    }

    /// <summary>Checks a rule without a reduce phase the same way.</summary>
    public static void CheckUpdate<TRule, TDecay, TL1>(TRule rule)
        where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        for (int n = 0; n <= 256; n++)
        {
            var expected = Inputs(n);
            FusedLoop.Run<TRule, TDecay, TL1>(rule, Pieces, ref expected[0][0], ref expected[1][0], ref expected[2][0], ref expected[3][0],
                ref expected[4][0], ref expected[5][0], (nuint)n, scalarOnly: true);
            Same(n, "4 lanes", expected, UpdateWidth<F32x4, TRule, TDecay, TL1>(rule, n));
            Same(n, "8 lanes", expected, UpdateWidth<F32x8, TRule, TDecay, TL1>(rule, n));
            Same(n, "16 lanes", expected, UpdateWidth<F32x16, TRule, TDecay, TL1>(rule, n));
        }
    }

    private static float[][] UpdateWidth<TVec, TRule, TDecay, TL1>(TRule rule, int n)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IUpdateRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        var a = Inputs(n);
        FusedLoop.RunWidth<TVec, TRule, TDecay, TL1>(rule, Pieces, ref a[0][0], ref a[1][0], ref a[2][0], ref a[3][0], ref a[4][0], ref a[5][0], (nuint)n);
        return a;
    }

    private static float[][] Width<TVec, TRule, TDecay, TL1>(TRule rule, int n, (double A, double B) expectedSums, nuint offset)
        where TVec : struct, IFloatVector<TVec> where TRule : struct, IReducingRule<TRule> where TDecay : struct, IWeightDecay where TL1 : struct, IL1Penalty
    {
        var a = Inputs(n);
        var sums = FusedLoop.ReduceWidth<TVec, TRule, TDecay, TL1>(rule, Pieces, ref a[0][0], ref a[1][0], ref a[2][0], ref a[3][0], ref a[4][0], ref a[5][0], (nuint)n, offset);
        Assert.That(sums, Is.EqualTo(expectedSums), $"n={n}, {TVec.Count} lanes: sums");
        var done = TRule.Complete(rule, sums.A, sums.B);
        FusedLoop.RunWidth<TVec, TRule, TDecay, TL1>(done, Pieces, ref a[0][0], ref a[1][0], ref a[2][0], ref a[3][0], ref a[4][0], ref a[5][0], (nuint)n, offset);
        return a;
    }

    /// <summary>θ, g and four slots (slots ≥ 0, as second moments are), one padding element each.</summary>
    private static float[][] Inputs(int n)
    {
        var arrays = new float[6][];
        for (int k = 0; k < 6; k++)
        {
            arrays[k] = Tensor.RandomNormal([n + 1], 0f, 1f, seed: (ulong)(37 * n + k)).ToArray();
            if (k >= 2) for (int i = 0; i < arrays[k].Length; i++) arrays[k][i] = MathF.Abs(arrays[k][i]) + 0.1f;
        }
        if (n > 3) { arrays[0][2] = 0f; arrays[1][1] = 0f; }
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
